export * from './startAllInOne.js';
