export * from './sendingClinic.js';
export * from './storeInstance.js';
export * from './stowRoute.js';
export * from './sweepOrphanBlobs.js';
