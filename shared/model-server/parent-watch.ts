/**
 * A child process the workbook starts (with an IPC channel) must not outlive
 * its parent, whatever the parent died of. The IPC channel closing is the
 * signal. Watch it from the child's first line: a parent that dies while the
 * child is still loading (seconds, on a busy machine) has already closed it,
 * and a 'disconnect' listener added later would never fire.
 */
export function onParentGone(stop: () => void): void {
  if (!process.send) return; // started by hand, without IPC: Ctrl-C stops it
  if (!process.connected) stop();
  else process.once("disconnect", stop);
}
