export * from '../records/resolve';
export * from '../store/reviews';
export { BaseRepository } from './baseRepository';
export * from './twoWay';
export { conflictMigrations } from './migrations';
