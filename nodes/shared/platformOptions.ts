/**
 * The catalog as node parameters show it: the platforms serving a capability as option lists, and the parameters a
 * marketing platform declares. Node files read the vendors only through here and their capability's entry.
 */
export { platformDefinition, platformOptions, platformsServing, verifiableWebhookSources, type Capability } from '../../lib/platforms/catalog';
export type { MarketingParameter } from '../../lib/platforms/definition';

/** Names as a sentence lists them: "Stripe, Square, PayPal or Braintree" (or joined by "and"). */
export function namesInSentence(names: string[], conjunction: 'or' | 'and' = 'or'): string {
	return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} ${conjunction} ${names.at(-1)}`;
}
