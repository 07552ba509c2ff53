export { activeCampaignProfile } from './profile';
export { ActiveCampaignMarketing, activeCampaignDefaultMappings } from './marketing';
