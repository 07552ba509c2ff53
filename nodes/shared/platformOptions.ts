/**
 * The catalog as node parameters show it: the platforms serving a capability as option lists, and the parameters a
 * marketing platform declares. Node files read the vendors only through here and their capability's entry.
 */
export { platformOptions, platformsServing, verifiableWebhookSources, type Capability } from '../../lib/platforms/catalog';
export type { MarketingParameter } from '../../lib/platforms/definition';
