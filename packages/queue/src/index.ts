export * from './connection.js';
export * from './createQueues.js';
export * from './embeddedRedis.js';
export * from './events.js';
export * from './intakeActivity.js';
export * from './names.js';
export * from './producers.js';
export * from './rosterSweeps.js';
