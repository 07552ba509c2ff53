export * from '../records/resolve';
export { getPath } from '../records/paths';
export * from '../store/reviews';
export { BaseRepository } from './baseRepository';
export * from './twoWay';
export { conflictMigrations } from './migrations';
