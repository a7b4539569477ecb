export * from './createApp.js';
export * from './httpErrors.js';
export * from './start.js';
