export * from './duration.js';
export * from './loadConfig.js';
export * from './loadRegion.js';
export * from './regionSchema.js';
