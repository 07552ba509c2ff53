import type { FieldMapping } from '../records/mapping';
import type { AccessTokenResponse } from '../transport/clientCredentials';
import type { Transport } from '../transport/transport';
import type { HttpClient, HttpResponse, PlatformProfile } from '../transport/types';
import type { AccountingConnector, AccountingSettings } from './accounting';
import type { CrmConnector, CrmEntity } from './crm';
import type { InventoryConnector } from './inventory';
import type { MarketingConnector, MarketingSettings } from './marketing';
import type { PaymentConnector, ProcessorProfile } from './payments';
import type { PostRules, SocialConnector } from './social';
import type { ProductConnector } from './products';
import type { CustomerConnector } from './customers';
import type { CrmWebhookScheme, OrderWebhookScheme, PaymentWebhookScheme } from './webhookSchemes';
import type { PlatformSettings } from './platformSettings';
import type { ResourceLister } from './resources';

/** A credential's field values, as n8n decrypts them or as a settings file holds them (field name → value). */
export type CredentialValues = Readonly<Record<string, unknown>>;

/** Which n8n credential type authenticates a platform, and what the package reads from it. */
export interface CredentialBinding {
	/** The n8n credential type name (`credentials/<Name>.credentials.ts`, listed in package.json). */
	type: string;
	/** The field holding the API's base URL. */
	baseUrlField: string;
	/** The vendor's production API, the field's default; absent where every account has its own host. */
	defaultBaseUrl?: string;
	/** Fields whose values no message, log or error may show. */
	secretFields: string[];
	/** Derives the base URL when the field is empty (Mailchimp: from the API key's datacenter suffix). */
	deriveBaseUrl?: (values: CredentialValues) => string;
}

/** The main credential and the other types that may stand in for it (Salesforce's OAuth2 beside a token). */
export interface PlatformCredentials extends CredentialBinding {
	alternatives?: CredentialBinding[];
	/**
	 * A store platform's second store on one node: the same fields under a credential type of its own (n8n gives a node
	 * one credential of each type), reached as the account `secondStoreId(platform)`.
	 */
	secondStore?: CredentialBinding;
	/**
	 * A store platform's list of stores in one credential (`integrationShopifyStoresApi`): each entry a label and the
	 * platform credential's own fields, reached as the account `<platform>@<label>` (see storeList.ts).
	 */
	storeList?: CredentialBinding;
}

/**
 * The binding with a second store's credential type beside it (same fields, its own type name), and the type of the
 * platform's list of stores (`integrationShopifyApi` → `integrationShopifyStoresApi`), whose entries have the same fields.
 */
export function withSecondStore(binding: CredentialBinding, type: string): PlatformCredentials {
	return { ...binding, secondStore: { ...binding, type }, storeList: { ...binding, type: binding.type.replace(/Api$/, 'StoresApi') } };
}

/** The account id of a platform's second store on one node: `shopify-2`. */
export const secondStoreId = (platform: string) => `${platform}-2`;

/**
 * How a request is authenticated outside n8n (the demo, benchmarks, checks); inside n8n the credential type does
 * it. Values are templates: `{field}` is replaced by the credential field's value.
 */
export type StandaloneAuth =
	/** `identifiers`: headers sent too whose values are not secrets (Xero's tenant id). */
	| { kind: 'headers'; headers: Readonly<Record<string, string>>; identifiers?: Readonly<Record<string, string>> }
	| { kind: 'basic'; user: string; password: string }
	/** OAuth2 client credentials from `clientId` / `clientSecret`: a cached Bearer token, fetched anew when refused. */
	| { kind: 'clientCredentials'; fetchToken: (credentials: ClientCredentials, client: HttpClient) => Promise<AccessTokenResponse> };

export interface ClientCredentials {
	baseUrl: string;
	clientId: string;
	clientSecret: string;
}

/** `Authorization: Bearer {field}`. */
export function bearer(field: string): StandaloneAuth {
	return { kind: 'headers', headers: { Authorization: `Bearer {${field}}` } };
}

/** How the vendor says a token has expired, and how a fresh one is had inside n8n. */
export interface TokenRefresh {
	/** The refusal: one of these statuses, or a body whose vendor error code (the profile's parseError) is one of these. */
	refusedWith: { statuses?: number[]; vendorCodes?: string[] };
	/**
	 * Inside n8n, which refreshes a credential's expirable token only when an authenticated request fails with 401:
	 * `probe` makes one cheap authenticated call to this path so n8n sees the 401 and refreshes, then sends again;
	 * `ownToken` (for a vendor that refuses with an HTTP 200) goes on with a token of its own, by the standalone auth.
	 */
	inN8n: { probe: string } | 'ownToken';
}

/** A setting read from the credential, beside its secrets (a store's location, a source code). */
export interface SettingField {
	name: string;
	/** The field's label in the credential, for errors. */
	displayName: string;
	type: 'string' | 'integer';
	/** Used when the field is empty; without one an empty field is an error. */
	default?: string | number;
	/** A text setting picked from these values (the credential shows them as options); any other value is an error. */
	options?: string[];
}

export type { PlatformSettings } from './platformSettings';

/** A marketing platform's node parameters (audience, welcome campaign…), declared so the node can show them. */
export interface MarketingParameter {
	name: string;
	displayName: string;
	description?: string;
	default: string;
	required?: boolean;
	options?: Array<{ name: string; value: string; description?: string }>;
	/** Shown only while these other parameters of the platform hold one of these values. */
	shownWhen?: Record<string, string[]>;
	/**
	 * Picked from the platform's `resources[resource]` list rather than typed; `by` is what the engine is given (the
	 * vendor's id, or a name where the engine keys by name), `pattern` what a typed id must look like; `url`: the
	 * object's address in the vendor's app, whose `regex`'s one group is the id. Without `resource` (the vendor's API
	 * lists none) `noList` says so under the field, and the id is given by URL or by id.
	 */
	pick?: {
		resource?: string;
		by: 'id' | 'name';
		placeholder: string;
		pattern?: string;
		patternMessage?: string;
		url?: { placeholder: string; regex: string };
		noList?: string;
	};
}

/**
 * A field the records a CRM platform creates take from a pick in the node unless they carry it (Intercom's ticket
 * type, HubSpot's ticket pipeline and stage): the node shows a picker over `resources[pick.resource]` for it.
 */
export interface CreateDefault {
	entity: CrmEntity;
	/** The platform's field the picked id fills. */
	field: string;
	/** The node parameter: its name and label. */
	name: string;
	displayName: string;
	description: string;
	/** `within`: the parameter (another default of the platform) whose pick the list depends on. */
	pick: { resource: string; placeholder: string; within?: string };
}

export interface CrmCapability {
	connector: (transport: Transport) => CrmConnector;
	defaultMappings: Partial<Record<CrmEntity, FieldMapping[]>>;
	createDefaults?: CreateDefault[];
}

export interface MarketingCapability {
	connector: (transport: Transport, settings: MarketingSettings) => MarketingConnector;
	parameters: MarketingParameter[];
	/** The connector's settings from the node parameters' values (trimmed text). */
	settings: (parameter: (name: string) => string) => MarketingSettings;
	/** What a segment becomes on the platform, as the node's help says it ("tags", "lists"). */
	segmentsAs: string;
	/** Unsubscribes made on the platform are read from it (its connector's `unsubscribesSince`), this many a page. */
	unsubscribesPerPage?: number;
}

/** The processor account payments are taken into, picked in the node (a Square location, a Braintree merchant account). */
export interface PaymentAccount {
	/** The setting the connector reads the picked id from. */
	setting: string;
	/** The `resources` list it is picked from, its label, what a typed id looks like, and what applies when none is picked. */
	resource: string;
	label: string;
	placeholder: string;
	whenEmpty: string;
	/** What the processor does only at a picked account (Square bills subscriptions and invoices at one location): no default applies. */
	requiredFor?: ReadonlyArray<'subscriptions' | 'invoices'>;
}

/** The processor's own plans a subscription bills (Stripe's prices, PayPal's billing plans), picked in the node's plan rows. */
export interface PaymentPlans {
	/** The `resources` list they are picked from, what one is called, and what a typed id looks like. */
	resource: string;
	label: string;
	placeholder: string;
}

export interface PaymentsCapability {
	/**
	 * `account`: the picked account's setting (e.g. `{ locationId }`), absent for the processor's default one;
	 * `settings`: the credential's (its declared fields and base URL).
	 */
	connector: (transport: Transport, account?: Record<string, string>, settings?: PlatformSettings) => PaymentConnector;
	account?: PaymentAccount;
	plans?: PaymentPlans;
	/** List prices, typical speed and local countries: the router's priors, meant to be overridden. */
	routingProfile: ProcessorProfile;
}

export interface AccountingCapability {
	/** `settings`: the parsed credential settings (the company it reaches); `mappings`: the node's items, tax codes, accounts. */
	connector: (transport: Transport, settings: PlatformSettings, mappings: AccountingSettings) => AccountingConnector;
	/** The setting naming the company the entries go to: exactly once is per platform and this account. */
	accountSetting: string;
	/** How the node's help texts speak of this platform's objects, and what it uses where an option is left empty. */
	terms: AccountingTerms;
	/** Whether changes made in the books can be pulled (Get Changes From Books). */
	pullsChanges?: boolean;
}

export interface AccountingTerms {
	/** What an item mapping's value is on this platform ("item ID", "item code"). */
	item: string;
	/** What a tax code mapping's value is ("tax code", "tax type", "tax name"). */
	taxCode: string;
	/** What an empty option falls back to on this platform ("the Services item", "200"). */
	whenEmpty?: Partial<Record<'defaultItem' | 'salesAccount' | 'taxAccount' | 'paymentAccount', string>>;
}

export interface InventoryCapability {
	connector: (transport: Transport, settings: PlatformSettings) => InventoryConnector;
	/**
	 * Where the store's stock lives: the setting the connector reads it from, the `resources` list it is picked from, its
	 * label, and what a typed id looks like (the picker's placeholder).
	 */
	location?: { setting: string; resource: string; label: string; placeholder: string };
	/** Whether the connector reads orders (`pullOrders`): a store without order webhooks is then polled for them. */
	pullsOrders?: boolean;
}

export interface SocialCapability {
	/** `settings`: the parsed credential settings (the page, the author, the Instagram account the posts go to). */
	connector: (transport: Transport, settings: PlatformSettings) => SocialConnector;
	/** What a post must be on this platform, checked before anything is sent. */
	rules: PostRules;
}

/** A store's product catalogue, kept in step by the sync engine (entity `products`, matched by SKU). */
export interface ProductsCapability {
	connector: (transport: Transport, settings: PlatformSettings) => ProductConnector;
}

/** A store's customers, kept in step with the CRM and the other stores by the sync engine (entity `contacts`, matched by email). */
export interface CustomersCapability {
	connector: (transport: Transport, settings: PlatformSettings) => CustomerConnector;
}

/** Everything the package knows about one vendor, declared in `lib/platforms/<vendor>/platform.ts`. */
export interface PlatformDefinition {
	/** The platform's id: node option values, store keys, the sandbox's name. */
	id: string;
	displayName: string;
	/** Other names users search the node panel for it by (QuickBooks Online: "QuickBooks"; X: "Twitter"), besides its display name. */
	searchAliases?: string[];
	/** `values`: the credential's, where the limits depend on them (Freshdesk's plan); absent, the vendor's defaults. */
	profile: (values?: CredentialValues) => PlatformProfile;
	credentials: PlatformCredentials;
	standaloneAuth: StandaloneAuth;
	tokenRefresh?: TokenRefresh;
	/** Credential fields the connectors need besides auth; parsed by `parseSettings`. */
	settings?: SettingField[];
	crm?: CrmCapability;
	marketing?: MarketingCapability;
	payments?: PaymentsCapability;
	inventory?: InventoryCapability;
	accounting?: AccountingCapability;
	social?: SocialCapability;
	products?: ProductsCapability;
	customers?: CustomersCapability;
	/** Order events by webhook, registered through the vendor's API (the Order Trigger). */
	orderWebhooks?: OrderWebhookScheme;
	/** Payment events by webhook, registered through the vendor's API (the Payment Event Trigger). */
	paymentWebhooks?: PaymentWebhookScheme;
	/** Record events by webhook (the CRM Event Trigger), registered through the vendor's API or in the user's app. */
	crmWebhooks?: CrmWebhookScheme;
	/** What the editor's lists offer (audiences, campaigns, locations…), by kind, read from the vendor. */
	resources?: Readonly<Record<string, ResourceLister>>;
}

/** Whether a response is the vendor refusing an expired or revoked token, as its `tokenRefresh` declares. */
export function isTokenRefusal(definition: PlatformDefinition, response: HttpResponse): boolean {
	const refusal = definition.tokenRefresh?.refusedWith;
	if (!refusal) return false;
	if (refusal.statuses?.includes(response.status)) return true;
	if (!refusal.vendorCodes) return false;
	const code = definition.profile().parseError(response)?.code;
	return code !== undefined && refusal.vendorCodes.includes(code);
}
