export * from './deps.js';
export * from './execRouteJob.js';
export * from './execSlaTimerJob.js';
export * from './execStableCheckJob.js';
export * from './holdStudy.js';
export * from './raisePriority.js';
export * from './reconcile.js';
export * from './start.js';
