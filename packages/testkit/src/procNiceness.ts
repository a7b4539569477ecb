import { readdirSync, readFileSync } from 'node:fs';

/** The nice value in a /proc …/stat file (Linux): field 19, counted after the command's parentheses. */
function niceIn(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** The nice value of each thread of a process (this one by default); a thread that ends meanwhile is skipped. */
export function threadNiceness(pid: number | 'self' = 'self'): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      return [niceIn(`/proc/${pid}/task/${tid}/stat`)];
    } catch {
      return [];
    }
  });
}

/** The nice value of a process's main thread. */
export function mainThreadNiceness(pid: number): number {
  return niceIn(`/proc/${pid}/stat`);
}
