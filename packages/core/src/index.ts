export * from './computeDeadline.js';
export * from './errors.js';
export * from './pickRadiologist.js';
export * from './priority.js';
export * from './roles.js';
export * from './routing/index.js';
export * from './slaPolicy.js';
export * from './studyStatus.js';
