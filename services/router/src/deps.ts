import type { Runtime } from '@telerad/runtime';

export type RouterDeps = Pick<Runtime, 'db' | 'queues' | 'logger' | 'metrics' | 'config' | 'slaPolicy'>;
