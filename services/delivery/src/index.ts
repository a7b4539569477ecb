export * from './buildReportPayload.js';
export * from './execDeliveryJob.js';
export * from './start.js';
