export { freshbooks } from './platform';
export { freshBooksProfile, freshBooksProductionUrl } from './profile';
export { FreshBooksAccounting, type FreshBooksSettings } from './accounting';
