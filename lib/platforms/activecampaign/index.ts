export { activecampaign } from './platform';
export { activeCampaignProfile } from './profile';
export { ActiveCampaignMarketing, activeCampaignDefaultMappings } from './marketing';
