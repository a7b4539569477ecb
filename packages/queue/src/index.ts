export * from './connection.js';
export * from './createQueues.js';
export * from './names.js';
