export * from './checkHealth.js';
export * from './loopPriority.js';
export * from './openRuntime.js';
export * from './processPriority.js';
export * from './startOpsServer.js';
