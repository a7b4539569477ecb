import type { Runtime } from '@telerad/runtime';

export type RouterDeps = Pick<
  Runtime,
  'db' | 'queues' | 'redis' | 'logger' | 'metrics' | 'config' | 'slaPolicy' | 'readingMinutes'
>;
