export { mailchimp } from './platform';
export { mailchimpProfile, mailchimpBaseUrl, MAILCHIMP_MAX_CONNECTIONS } from './profile';
export { MailchimpMarketing, mailchimpDefaultMappings, subscriberHash } from './marketing';
