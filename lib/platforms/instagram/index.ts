export { instagram } from './platform';
export { instagramProfile } from './profile';
export { InstagramSocial, instagramRules, type ContainerPolling } from './social';
