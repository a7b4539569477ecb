import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the CPU priority of this whole process to `niceness` (0 normal … 19 lowest). On Linux a
 * nice value belongs to a thread, and threads started later inherit their starter's, so every
 * thread that exists now (the main thread, V8's helpers, libuv's pool once started) is lowered one
 * by one from /proc/self/task; call it again after start-up has started more. Elsewhere the calling
 * thread is lowered. Raising priority needs privileges and is never attempted. Returns how many
 * threads run at `niceness` or lower now.
 */
export function lowerProcessPriority(niceness: number): number {
  let threads: number[];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    if (getPriority() < niceness) setPriority(niceness);
    return 1;
  }
  let lowered = 0;
  for (const tid of threads) {
    try {
      if (getPriority(tid) < niceness) setPriority(tid, niceness);
      lowered++;
    } catch {
      // The thread ended between listing and lowering.
    }
  }
  return lowered;
}
