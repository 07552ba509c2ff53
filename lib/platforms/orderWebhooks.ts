import { PlatformApiError } from '../transport/errors';
import type { Transport } from '../transport/transport';

/** The order events a trigger can start on, in the package's words; each vendor maps them to its own topics. */
export const ORDER_EVENTS = ['created', 'updated', 'cancelled', 'refunded'] as const;
export type OrderEventKind = (typeof ORDER_EVENTS)[number];

/** Reads one request header by its lower-case name (the first value when repeated). */
export type HeaderReader = (name: string) => string | undefined;

/** A webhook as the vendor lists it. */
export interface VendorHook {
	id: string;
	url: string;
	topic: string;
}

/** Where a neutral event comes from on one vendor: its topic, and where one topic carries several events, which payloads are this one. */
export interface OrderTopic {
	topic: string;
	matches?: (payload: Record<string, unknown>) => boolean;
}

/**
 * Everything the package knows about one vendor's order webhooks: the topics, how a webhook is listed, created and
 * deleted through the vendor's API, and how a delivery is authenticated and identified.
 */
export interface OrderWebhookScheme {
	platform: string;
	events: Record<OrderEventKind, OrderTopic>;
	/**
	 * `credential`: the vendor signs every delivery with the app's own secret, read from the credential (Shopify);
	 * `registration`: the package gives each webhook a secret of its own when it registers it (WooCommerce, BigCommerce).
	 */
	secretFrom: 'credential' | 'registration';
	/** The vendor's webhooks for `topic`. */
	list(transport: Transport, topic: string): Promise<VendorHook[]>;
	/** Registers `url` for `topic`; `secret` is set when `secretFrom` is `registration`. Returns the vendor's webhook id. */
	create(transport: Transport, hook: { url: string; topic: string; secret?: string }): Promise<string>;
	/** Deletes the webhook; a webhook already gone is not an error. */
	remove(transport: Transport, id: string): Promise<void>;
	/** Whether the delivery was sent by the vendor for this secret, judged on the raw bytes received. */
	authentic(header: HeaderReader, rawBody: Buffer, secret: string): boolean;
	/** The vendor's id of this delivery (the same on a redelivery), or undefined when it sent none. */
	deliveryId(header: HeaderReader, payload: Record<string, unknown>): string | undefined;
	/** The topic the delivery says it carries. */
	topic(header: HeaderReader, payload: Record<string, unknown>): string | undefined;
	/** The vendor's id of the order the event is about. */
	orderId(payload: Record<string, unknown>): string | undefined;
}

/** An id as text: a whole number or a non-empty string; anything else is no id. */
export function idText(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
	if (typeof value === 'string' && value !== '') return value;
	return undefined;
}

/** For a delete: a webhook the vendor no longer has (deleted by hand) is already where deletion leads. */
export function ignoreNotFound(error: unknown): undefined {
	if (error instanceof PlatformApiError && error.status === 404) return undefined;
	throw error;
}
