/** The group-chat domain: several agents discussing one message in rounds. No telemetry here; lesson 08 adds it. */
export { GroupChat } from "./group-chat.ts";
export type {
  AgentFailure,
  ChatSession,
  GroupChatConfig,
  GroupChatResult,
  GroupMessage,
  Member,
  RoundResult,
  StopReason,
} from "./group-chat.ts";
