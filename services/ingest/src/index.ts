export * from './dimse/index.js';
export * from './previewKeys.js';
export * from './sendingClinic.js';
export * from './storeInstance.js';
export * from './stowRoute.js';
export * from './sweepOrphanBlobs.js';
export * from './tus/index.js';
