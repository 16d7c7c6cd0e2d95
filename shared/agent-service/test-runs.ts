/**
 * Small helpers part two's tests share when they start services in processes
 * of their own (lesson 14; lesson 13's test file has its own copies).
 */
import { createServer } from "node:net";

/** A URL where nothing listens: a port taken and released at once. The "model server down" case. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** Runs `make` once, on first use; every later call gets the same promise (one process start per run). */
export function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}
