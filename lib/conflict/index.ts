export * from './resolve';
export * from './reviews';
export { BaseRepository } from './bases';
export * from './twoWay';
export { conflictMigrations } from './migrations';
