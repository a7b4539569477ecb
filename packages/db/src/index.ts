export * from './createDb.js';
export * from './migrate.js';
export * from './schema.js';
