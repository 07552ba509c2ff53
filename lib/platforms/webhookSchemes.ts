import { PlatformApiError } from '../transport/errors';
import type { Rule } from '../records/inputSchema';
import type { Transport } from '../transport/transport';
import type { ProcessorBillingEvent } from './billing';
import type { ProcessorDispute } from './disputes';
import type { SignatureCheck } from './payments';

/** The order events a trigger can start on, in the package's words; each vendor maps them to its own topics. */
export const ORDER_EVENTS = ['created', 'updated', 'cancelled', 'refunded'] as const;
export type OrderEventKind = (typeof ORDER_EVENTS)[number];

/** The payment events a trigger can start on. */
/** `billingChanged`: a subscription's renewal paid or failed, a subscription canceled, an invoice paid, voided or overdue. */
export const PAYMENT_EVENTS = ['succeeded', 'failed', 'refunded', 'disputed', 'disputeChanged', 'actionCompleted', 'billingChanged'] as const;
export type PaymentEventKind = (typeof PAYMENT_EVENTS)[number];

/** The record changes a CRM Event Trigger can start on: `<record>.<change>`. */
export const CRM_EVENTS = ['contact.created', 'contact.updated', 'contact.deleted', 'company.created', 'company.updated', 'company.deleted', 'ticket.created', 'ticket.updated', 'ticket.deleted'] as const;
export type CrmEventKind = (typeof CRM_EVENTS)[number];

/** Reads one request header by its lower-case name (the first value when repeated). */
export type HeaderReader = (name: string) => string | undefined;

/** A webhook as the vendor lists it. */
export interface VendorHook {
	id: string;
	url: string;
	topic: string;
}

/** Where a neutral event comes from on one vendor: its topic, and where one topic carries several events, which payloads are this one. */
export interface EventTopic {
	topic: string;
	/** Every topic the webhook subscribes to for this event, when it takes several (the first is `topic`). */
	topics?: string[];
	matches?: (payload: Record<string, unknown>) => boolean;
	/** What the vendor calls the record, where it differs from the event's (Zendesk's "a user" for a contact). */
	vendorTerm?: string;
}

/** One delivery as received: what a signature scheme may look at. */
export interface ReceivedDelivery {
	header: HeaderReader;
	rawBody: Buffer;
	/** The URL the delivery was sent to, as registered (Square and HubSpot sign it). */
	url: string;
	/** The HTTP method, `POST` when not given (HubSpot signs it). */
	method?: string;
	nowMs: number;
}

/** How one vendor's deliveries for one kind of event are authenticated, split into events and identified. */
export interface WebhookReceiver<Event extends string> {
	platform: string;
	/** Events the vendor cannot send are left out (activating a trigger on one says so). */
	events: Partial<Record<Event, EventTopic>>;
	/**
	 * Who holds the secret deliveries are signed with. `credential`: the app's own secret, set in the credential
	 * (Shopify, HubSpot, Intercom); `registration`: one the package gives each webhook when it creates it
	 * (WooCommerce, BigCommerce); `vendor`: one the vendor issues when the webhook is created (Stripe, Square, Zendesk).
	 */
	secretFrom: 'credential' | 'registration' | 'vendor';
	/** The credential field holding the secret when `secretFrom` is `credential` (default `webhookSecret`). */
	credentialSecretField?: string;
	/**
	 * The header the vendor's signature arrives in. A vendor that declares it is offered by its capability's Verify
	 * operation (for a workflow started by n8n's Webhook node); the others are received through their trigger only.
	 */
	signatureHeader?: string;
	/** The vendor signs the URL it delivered to with the body (HubSpot, Square): the Verify operation asks for the URL. */
	signsUrl?: boolean;
	/** What the user sets up on the vendor's side for deliveries to arrive and pass, shown on the trigger for this vendor. */
	setupNotice?: string;
	/** Shown on the trigger when one of the events this vendor cannot send (those left out of `events`) is chosen. */
	missingEventsNotice?: string;
	/**
	 * Whether the delivery was sent by the vendor for this secret, judged on the raw bytes received, and if not why
	 * (the header missing, a stale timestamp, a signature that does not match); `api` is given where the vendor verifies
	 * its own signatures (PayPal's verify-webhook-signature). The one signature check of the vendor: the trigger and the
	 * capabilities' Verify operations both use it.
	 */
	verify(delivery: ReceivedDelivery, secret: string, api?: Transport): SignatureCheck | Promise<SignatureCheck>;
	/**
	 * What a delivery's body must be to be the vendor's event once its signature holds, for the capabilities' Verify
	 * operations (a signed body that is no event is refused naming the fields).
	 */
	eventBody?: Rule<unknown>;
	/** The vendor checks its signatures itself, through its API: the trigger needs a transport to receive a delivery. */
	verifiedThroughApi?: boolean;
	/**
	 * How the vendor names the store a delivery comes from, so that one webhook URL registered on every store of a list
	 * credential tells them apart (and checks each delivery with its own store's secret). A vendor without it is not
	 * offered with a store list on its trigger.
	 */
	sendingStore?: StoreIdentity;
	/** The body of a delivery that is not JSON (Braintree's signed form), or undefined when it is malformed; default JSON. */
	parse?(rawBody: Buffer): unknown;
	/** For vendors that send several events in one delivery (HubSpot): the events of a parsed body, or undefined when it is none. */
	split?(body: unknown): Array<Record<string, unknown>> | undefined;
	/** The vendor's id of this event (the same on a redelivery), or undefined when it sent none. */
	deliveryId(header: HeaderReader, payload: Record<string, unknown>): string | undefined;
	/** The topic the event says it carries. */
	topic(header: HeaderReader, payload: Record<string, unknown>): string | undefined;
	/** The vendor's id of what the event is about (the order, the payment, the record). */
	subjectId(payload: Record<string, unknown>): string | undefined;
}

/**
 * The store a delivery names and the store a credential reaches, in one comparable form (a shop's host, a site's URL
 * without its scheme, a store hash): equal for the same store.
 */
export interface StoreIdentity {
	/** Where the vendor names the store, for messages: a header (`X-Shopify-Shop-Domain`) or a payload field (`producer`). */
	carriedIn: string;
	/** The store a delivery names, or undefined when it names none. */
	ofDelivery(header: HeaderReader, payload: Record<string, unknown> | undefined): string | undefined;
	/** The store a credential reaches, from its API's base URL; undefined when the URL does not say. */
	ofStore(baseUrl: string): string | undefined;
}

/** A URL as a store identity: its host (lower case) and path, without scheme, query or trailing slash. */
export function siteOf(url: unknown): string | undefined {
	if (typeof url !== 'string' || url.trim() === '') return undefined;
	try {
		const parsed = new URL(url.trim());
		return `${parsed.host.toLowerCase()}${parsed.pathname.replace(/\/+$/, '')}`;
	} catch {
		return undefined;
	}
}

/**
 * Everything the package knows about one vendor's webhooks for one kind of event: the receiver, and how a webhook is
 * listed, created and deleted through the vendor's API.
 */
export interface WebhookScheme<Event extends string> extends WebhookReceiver<Event> {
	/** The vendor's webhooks for `topic`. */
	list(transport: Transport, topic: string): Promise<VendorHook[]>;
	/**
	 * Registers `url` for `topics` (the event's topics; `topic` the first) with `secret` when `secretFrom` is
	 * `registration`; the vendor's id, and its secret if it issues one.
	 */
	create(transport: Transport, hook: { url: string; topic: string; topics: string[]; secret?: string }): Promise<{ id: string; secret?: string }>;
	/** Deletes the webhook; a webhook already gone is not an error. */
	remove(transport: Transport, id: string): Promise<void>;
}

/**
 * A vendor whose webhooks are registered in an app the user configures (HubSpot, Intercom): the trigger registers
 * nothing and tells the user what to paste where.
 */
export interface AppWebhookScheme<Event extends string> extends WebhookReceiver<Event> {
	/** Where the user pastes the trigger's URL and which topics to subscribe to. */
	registeredIn: string;
}

export function registersThroughApi<Event extends string>(scheme: WebhookScheme<Event> | AppWebhookScheme<Event>): scheme is WebhookScheme<Event> {
	return !('registeredIn' in scheme);
}

/** The buyer, total and time of an order, read from the vendor's own fields of an order event. */
export interface OrderSummary {
	customerEmail?: unknown;
	total?: unknown;
	createdAt?: unknown;
}

export interface OrderWebhookScheme extends WebhookScheme<OrderEventKind> {
	/** The order's buyer, total and time, for the Verify Order operation to pass on with its lines. */
	orderSummary?(payload: Record<string, unknown>): OrderSummary;
}
/** What the payments capability reads out of a processor's events, beside what a trigger reads. */
export interface PaymentEventReading {
	/** The dispute a dispute event reports; an InputError naming every field that is not what the processor documents. */
	dispute?(payload: Record<string, unknown>): ProcessorDispute;
	/** The subscription or invoice change a billing event reports; an InputError naming every field that is not what the processor documents. */
	billing?(payload: Record<string, unknown>): ProcessorBillingEvent;
}
export type PaymentWebhookScheme = (WebhookScheme<PaymentEventKind> | AppWebhookScheme<PaymentEventKind>) & PaymentEventReading;
export type CrmWebhookScheme = WebhookScheme<CrmEventKind> | AppWebhookScheme<CrmEventKind>;

/** An id as text: a whole number or a non-empty string; anything else is no id. */
export function idText(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
	if (typeof value === 'string' && value !== '') return value;
	return undefined;
}

/** The object at a dotted path of a payload (`data.object`), or an empty one. */
export function objectAt(payload: Record<string, unknown>, path: string): Record<string, unknown> {
	let value: unknown = payload;
	for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
	return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** For a delete: a webhook the vendor no longer has (deleted by hand) is already where deletion leads. */
export function ignoreNotFound(error: unknown): undefined {
	if (error instanceof PlatformApiError && error.status === 404) return undefined;
	throw error;
}

/** The credential field a Verify operation reads the vendor's webhook secret from: the declared one, else `webhookSecret`. */
export function credentialSecretField<Event extends string>(receiver: WebhookReceiver<Event>): string {
	return receiver.credentialSecretField ?? 'webhookSecret';
}

/**
 * The verdict on a delivery judged by its bytes alone, as a Verify operation needs it: a vendor that verifies its
 * signatures through its API (PayPal) cannot be judged this way, which is an error naming it.
 */
export function verifyLocally(receiver: WebhookReceiver<string>, delivery: ReceivedDelivery, secret: string): SignatureCheck {
	const throughApi = new Error(`${receiver.platform} deliveries are verified through its API, not by a Verify operation`);
	if (receiver.verifiedThroughApi) throw throughApi;
	const verdict = receiver.verify(delivery, secret);
	if (verdict instanceof Promise) throw throughApi;
	return verdict;
}

/** Reads headers given as an object (names in any case, a repeated header as a list) by lower-case name. */
export function headerReader(headers: Readonly<Record<string, string | string[] | undefined>>): HeaderReader {
	return (name) => {
		const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
		return Array.isArray(value) ? value[0] : value;
	};
}

/** A signature check's verdict from a yes/no answer and the reason for a no. */
export function verdict(genuine: boolean, reason: string): SignatureCheck {
	return genuine ? { valid: true } : { valid: false, reason };
}
