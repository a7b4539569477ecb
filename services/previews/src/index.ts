export * from './execRenderJob.js';
export * from './previewSpec.js';
export * from './reconcilePreviews.js';
export * from './start.js';
