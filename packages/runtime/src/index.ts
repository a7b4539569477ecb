export * from './openRuntime.js';
