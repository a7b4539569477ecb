import { execFileSync } from 'node:child_process';
import { threadNiceness } from '@telerad/testkit';
import { describe, expect, test } from 'vitest';

describe.runIf(process.platform === 'linux')('lowerProcessPriority', () => {
  test('lowers every thread of the process, and threads started afterwards inherit it', () => {
    const mine = threadNiceness();
    // In a process of its own, so this one keeps its priority.
    const script = `
      const { lowerProcessPriority } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
      const { readdirSync, readFileSync } = await import('node:fs');
      const { Worker } = await import('node:worker_threads');
      const nice = () => readdirSync('/proc/self/task').map((tid) => {
        const stat = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      });
      const before = nice();
      const lowered = lowerProcessPriority(10);
      const after = nice();
      const worker = new Worker('setTimeout(() => {}, 200)', { eval: true });
      await new Promise((r) => worker.once('online', r));
      const withWorker = nice();
      await worker.terminate();
      process.stdout.write(JSON.stringify({ before, lowered, after, withWorker }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
    expect(Math.max(...out.before)).toBeLessThan(10);
    expect(out.before.length).toBeGreaterThan(1);
    expect(out.lowered).toBe(out.after.length);
    expect(out.after).toEqual(out.after.map(() => 10));
    expect(out.withWorker.length).toBeGreaterThan(out.after.length);
    expect(out.withWorker).toEqual(out.withWorker.map(() => 10));
    expect(threadNiceness().sort()).toEqual(mine.sort());
  });
});
