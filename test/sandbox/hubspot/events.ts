/**
 * Webhook events (v3 payloads): one event per created or deleted record and per changed property, gathered over
 * one turn of the event loop (so a batch request sends one webhook) and sent in chunks of at most 100, as HubSpot does.
 */
import type { CrmChange } from './store';

export interface HubspotWebhookEvent {
	eventId: number;
	subscriptionId: number;
	portalId: number;
	appId: number;
	occurredAt: number;
	subscriptionType: string;
	attemptNumber: number;
	objectId: number;
	changeSource: string;
	changeFlag?: 'CREATED' | 'DELETED';
	propertyName?: string;
	propertyValue?: string;
}

export const hubspotPortalId = 4010001;
export const hubspotAppId = 401001;
const maxEventsPerRequest = 100;

export class HubspotEventQueue {
	private pending: HubspotWebhookEvent[] = [];
	private scheduled = false;
	private nextEventId = 1;
	private readonly subscriptionIds = new Map<string, number>();

	constructor(private readonly publish: (events: HubspotWebhookEvent[]) => void) {}

	add(change: CrmChange): void {
		const subscriptionType = `${change.type.singular}.${change.kind}`;
		const event: HubspotWebhookEvent = {
			eventId: this.nextEventId++,
			subscriptionId: this.subscriptionId(subscriptionType),
			portalId: hubspotPortalId,
			appId: hubspotAppId,
			occurredAt: change.at,
			subscriptionType,
			attemptNumber: 0,
			objectId: Number(change.id),
			changeSource: 'INTEGRATION',
		};
		if (change.kind === 'propertyChange') {
			event.propertyName = change.propertyName;
			event.propertyValue = change.propertyValue;
		} else {
			event.changeFlag = change.kind === 'creation' ? 'CREATED' : 'DELETED';
		}
		this.pending.push(event);
		this.schedule();
	}

	/**
	 * `{ subscriptionType, objectId, propertyName?, propertyValue?, times? }`: one event, sent alone to the app's target
	 * URLs `times` times with the same eventId (as HubSpot retries), signed afresh each time.
	 */
	emit({ subscriptionType, objectId, propertyName, propertyValue, times = 1 }: Record<string, unknown>): HubspotWebhookEvent {
		if (typeof subscriptionType !== 'string' || !/^[a-z_]+\.(creation|deletion|propertyChange)$/.test(subscriptionType)) throw new Error('subscriptionType must be <object>.creation, .deletion or .propertyChange');
		if (!Number.isSafeInteger(objectId)) throw new Error('objectId must be a whole number');
		if (!Number.isInteger(times) || (times as number) < 1) throw new Error('times must be a whole number of at least 1');
		const kind = subscriptionType.split('.')[1];
		const event: HubspotWebhookEvent = {
			eventId: this.nextEventId++, subscriptionId: this.subscriptionId(subscriptionType), portalId: hubspotPortalId, appId: hubspotAppId, occurredAt: Date.now(),
			subscriptionType, attemptNumber: 0, objectId: objectId as number, changeSource: 'CRM_UI',
			...(kind === 'propertyChange' ? { propertyName: String(propertyName ?? 'email'), propertyValue: String(propertyValue ?? '') } : { changeFlag: kind === 'creation' ? 'CREATED' : 'DELETED' }),
		};
		for (let attempt = 0; attempt < (times as number); attempt++) this.publish([{ ...event, attemptNumber: attempt }]);
		return event;
	}

	reset(): void {
		this.pending = [];
		this.nextEventId = 1;
	}

	private schedule(): void {
		if (this.scheduled) return;
		this.scheduled = true;
		setImmediate(() => {
			this.scheduled = false;
			const events = this.pending;
			this.pending = [];
			for (let start = 0; start < events.length; start += maxEventsPerRequest) {
				this.publish(events.slice(start, start + maxEventsPerRequest));
			}
		});
	}

	private subscriptionId(subscriptionType: string): number {
		if (!this.subscriptionIds.has(subscriptionType)) this.subscriptionIds.set(subscriptionType, 1000 + this.subscriptionIds.size);
		return this.subscriptionIds.get(subscriptionType) as number;
	}
}
