export * from './createDb.js';
export * from './hashToken.js';
export * from './ipcDatabase.js';
export * from './migrate.js';
export * from './recordAudit.js';
export * from './schema.js';
export * from './seedRegion.js';
