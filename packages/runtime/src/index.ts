export * from './checkHealth.js';
export * from './openRuntime.js';
export * from './startOpsServer.js';
