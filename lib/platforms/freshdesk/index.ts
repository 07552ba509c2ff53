export { freshdesk } from './platform';
export { freshdeskProfile, freshdeskPlan, FRESHDESK_PLANS, type FreshdeskPlan } from './profile';
export { FreshdeskCrm } from './crm';
export { freshdeskDefaultMappings, freshdeskTicketStatuses, freshdeskTicketPriorities } from './mappings';
export { freshdeskCrmWebhooks, FRESHDESK_SECRET_HEADER } from './crmWebhooks';
