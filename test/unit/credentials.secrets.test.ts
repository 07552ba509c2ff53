/**
 * Which credential fields are secret, for every credential type: n8n masks a field only when it is marked
 * `typeOptions.password`, and the transport redacts only the fields its credential binding names. A field whose
 * name says it holds a token, key, secret or password must be both.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { connectStandalone, platformCatalog } from '../../lib/platforms/catalog';
import { credentialChoices } from '../../nodes/shared/platformCredentials';

const credentialsFolder = path.join(__dirname, '../../credentials');

function credentialTypes(): ICredentialType[] {
	return readdirSync(credentialsFolder)
		.filter((file) => file.endsWith('.credentials.ts'))
		.flatMap((file) => Object.values(require(path.join(credentialsFolder, file)) as Record<string, new () => ICredentialType>))
		.map((CredentialClass) => new CredentialClass());
}

const isMarkedSecret = (field: INodeProperties) => field.typeOptions?.password === true;

/** A credential's fields, those of a list's entries too (a fixedCollection: `stores.store.accessToken`). */
function fieldsIn(properties: INodeProperties[], prefix = ''): INodeProperties[] {
	return properties.flatMap((field) =>
		field.type === 'fixedCollection'
			? (field.options ?? []).flatMap((option) => ('values' in option ? fieldsIn(option.values, `${prefix}${field.name}.${option.name}.`) : []))
			: [{ ...field, name: `${prefix}${field.name}` }],
	);
}
/** A public key is an identifier (Braintree's names the merchant's user), not a secret: n8n's lint says the same. */
const namedLikeSecret = (field: INodeProperties) => /token|key|secret|password/i.test(`${field.name} ${field.displayName}`) && !/^pub(lic)?[A-Z\s]/i.test(field.name);
const credentialFieldsOf = (type: string) => credentialTypes().find((credential) => credential.name === type)!.properties.map((field) => field.name);
const secretFieldsOf = (type: string) => fieldsIn(credentialTypes().find((credential) => credential.name === type)!.properties).filter(isMarkedSecret).map((field) => field.name);

test('the secret fields of every credential type', () => {
	const secrets = Object.fromEntries(credentialTypes().map((credential) => [credential.name, fieldsIn(credential.properties).filter(isMarkedSecret).map((field) => field.name)]));
	expect(secrets).toEqual({
		integrationActiveCampaignApi: ['apiToken'],
		integrationBigCommerceApi: ['accessToken'],
		integrationBigCommerceSecondStoreApi: ['accessToken'],
		// A list of stores: each entry's fields, masked by n8n inside the list (CredentialsService.redactCollectionOption).
		integrationBigCommerceStoresApi: ['stores.store.accessToken'],
		integrationBraintreeApi: ['privateKey'],
		integrationEventIngestApi: ['signingSecret'],
		// Its client secret and tokens are n8n's OAuth2 fields (oAuth2Api), which n8n keeps secret itself.
		integrationFreshBooksOAuth2Api: [],
		integrationFreshdeskApi: ['apiKey', 'webhookSecret'],
		integrationHttpDestinationApi: ['token'],
		integrationHubSpotApi: ['accessToken', 'clientSecret'],
		integrationIntercomApi: ['accessToken', 'clientSecret'],
		integrationMagentoApi: ['accessToken'],
		integrationMagentoSecondStoreApi: ['accessToken'],
		integrationMagentoStoresApi: ['stores.store.accessToken'],
		integrationMailchimpApi: ['apiKey'],
		integrationMarketoApi: ['clientSecret', 'accessToken'],
		integrationPayPalApi: ['clientSecret', 'accessToken'],
		// Its client secret and tokens are n8n's OAuth2 fields (oAuth2Api), which n8n keeps secret itself.
		integrationQuickBooksOAuth2Api: [],
		integrationSalesforceApi: ['accessToken'],
		// Its client secret and tokens are n8n's OAuth2 fields (oAuth2Api), which n8n keeps secret itself.
		integrationSalesforceOAuth2Api: [],
		integrationShopifyApi: ['accessToken', 'webhookSecret'],
		integrationShopifySecondStoreApi: ['accessToken', 'webhookSecret'],
		integrationShopifyStoresApi: ['stores.store.accessToken', 'stores.store.webhookSecret'],
		integrationSquareApi: ['accessToken', 'webhookSecret'],
		integrationStateStore: ['password'],
		integrationStripeApi: ['secretKey', 'webhookSecret'],
		integrationWebhookDestinationApi: ['signingSecret', 'destinationSecrets', 'bearerToken'],
		// Its client secret and tokens are n8n's OAuth2 fields (oAuth2Api), which n8n keeps secret itself.
		integrationXeroOAuth2Api: [],
		integrationWooCommerceApi: ['consumerKey', 'consumerSecret', 'webhookSecret'],
		integrationWooCommerceSecondStoreApi: ['consumerKey', 'consumerSecret', 'webhookSecret'],
		integrationWooCommerceStoresApi: ['stores.store.consumerKey', 'stores.store.consumerSecret', 'stores.store.webhookSecret'],
		integrationZendeskApi: ['apiToken', 'webhookSecret'],
		integrationFacebookPageApi: ['accessToken'],
		// Their client secrets and tokens are n8n's OAuth2 fields (oAuth2Api), which n8n keeps secret itself.
		integrationXOAuth2Api: [],
		integrationLinkedInOAuth2Api: [],
		integrationInstagramOAuth2Api: [],
	});
});

test('every field named like a token, key, secret or password is marked secret', () => {
	const unmarked = credentialTypes().flatMap((credential) =>
		fieldsIn(credential.properties).filter((field) => namedLikeSecret(field) && !isMarkedSecret(field) && field.type !== 'hidden').map((field) => `${credential.name}.${field.name}`),
	);
	expect(unmarked).toEqual([]);
});

test("the transport redacts exactly the fields each platform's credential marks secret", () => {
	const bindings = platformCatalog.flatMap((definition) => credentialChoices(definition.id));
	expect(bindings.length).toBeGreaterThan(0);
	for (const binding of bindings) expect([binding.type, [...binding.secretFields].sort()]).toEqual([binding.type, secretFieldsOf(binding.type).sort()]);
});

test('outside n8n (demo, benchmarks) every platform redacts the same fields, each value it was given', () => {
	for (const definition of platformCatalog) {
		const values: Record<string, unknown> = Object.fromEntries(credentialFieldsOf(definition.credentials.type).map((field) => [field, `value-of-${field}`]));
		for (const setting of definition.settings ?? []) if (setting.type === 'integer') values[setting.name] = 1;
		for (const setting of definition.settings ?? []) if (setting.options) values[setting.name] = setting.options[0];
		// An OAuth2 credential's token is n8n's, not a field: given outside n8n, it is redacted too.
		const isOAuth2 = credentialTypes().find((credential) => credential.name === definition.credentials.type)!.extends?.includes('oAuth2Api');
		const oauthToken = isOAuth2 ? ['accessToken'] : [];
		for (const field of oauthToken) values[field] = `value-of-${field}`;
		const { secrets } = connectStandalone(definition.id, { ...values, [definition.credentials.baseUrlField]: 'http://127.0.0.1:9' });
		const expected = [...secretFieldsOf(definition.credentials.type), ...oauthToken].map((field) => `value-of-${field}`);
		expect([definition.id, secrets.filter((secret) => secret.startsWith('value-of-')).sort()]).toEqual([definition.id, expected.sort()]);
	}
});
