/**
 * Product images matched across stores. Each store serves its copy of an image from its own URL (Magento from its
 * media folder, BigCommerce and Shopify from their CDNs, WooCommerce from its uploads), so URLs never match and an
 * image is no field a URL comparison could keep in step. The key of an image is where it was first read: its URL on
 * the store it came from (its origin). The hub and every store's snapshot hold images by that key, so a copy read back
 * from another store compares equal (no echo) and an edit on any store (an image added, dropped, moved, its alt text
 * changed) is one change of the list.
 *
 * An ID map (entity `products.images`, per store) links `<origin URL> <store product id>` to `<store product id>/<store
 * image id>`: written when a copy is made (the store's id from its answer) and when a store's own image is first read
 * (its own URL is its origin). Reading translates each store image id to its origin; writing translates each origin to
 * the store's id, so an image the store holds is kept (its alt text and place set) and only a new one is fetched.
 */
import type { ChangePage, PlatformRecord, RecordEntity, RecordWrite, WriteOptions, WriteOutcome } from '../platforms/crm';
import type { ProductConnector, ProductImage, StoreImage } from '../platforms/products';
import type { IdMapKey } from '../store/idMap';
import type { StateStore } from '../store/stateStore';

const IMAGES_ENTITY = 'products.images';

const originKey = (origin: string, productId: string) => `${origin} ${productId}`;
const storeKey = (productId: string, imageId: string) => `${productId}/${imageId}`;
/** URLs hold no space (it is encoded): the origin is what comes before the first. */
const originOf = (key: string) => key.slice(0, key.indexOf(' '));

/** The product connector of one store with its images read and written by origin. */
export function withImageOrigins(connector: ProductConnector, store: StateStore, integration: string): ProductConnector {
	const key: IdMapKey = { integration, platform: connector.platform, entity: IMAGES_ENTITY };
	const snapshotKey = { integration, platform: connector.platform, entity: 'products' };
	return Object.create(connector, {
		pullChanges: {
			value: async (entity: RecordEntity, cursor: string | undefined): Promise<ChangePage> => {
				const page = await connector.pullChanges(entity, cursor);
				return { ...page, records: await byOrigin(store, key, page.records) };
			},
		},
		write: {
			value: async (entity: RecordEntity, batch: RecordWrite[], options?: WriteOptions): Promise<WriteOutcome[]> => {
				const written = await withStoreIds(store, key, snapshotKey, batch);
				const outcomes = await connector.write(entity, written, options);
				await linkCopies(store, key, written, outcomes);
				return outcomes.map((outcome, index) => (outcome.ok && batch[index].fields.images !== undefined ? { ...outcome, fields: { ...outcome.fields, images: batch[index].fields.images } } : outcome));
			},
		},
	}) as ProductConnector;
}

const imagesOf = (fields: Record<string, unknown>) => (Array.isArray(fields.images) ? (fields.images as StoreImage[]) : undefined);

/** The records' images with their origins for URLs; a store's own image read the first time is linked as its own origin. */
async function byOrigin(store: StateStore, key: IdMapKey, records: PlatformRecord[]): Promise<PlatformRecord[]> {
	const keys = records.flatMap((record) => (imagesOf(record.fields) ?? []).filter((image) => image.id !== undefined).map((image) => storeKey(record.externalId, image.id as string)));
	if (keys.length === 0) return records;
	const origins = await store.idMap.internalIds(key, keys);
	const own = records.flatMap((record) =>
		(imagesOf(record.fields) ?? []).filter((image) => image.id !== undefined && !origins.has(storeKey(record.externalId, image.id))).map((image) => ({ internalId: originKey(image.src, record.externalId), externalId: storeKey(record.externalId, image.id as string) })),
	);
	for (const [position, held] of (await store.idMap.linkMany(key, own)).entries()) origins.set(own[position].externalId, held.internalId);
	return records.map((record) => {
		const images = imagesOf(record.fields);
		if (!images) return record;
		const neutral: ProductImage[] = images.map((image, position) => {
			const linked = image.id === undefined ? undefined : origins.get(storeKey(record.externalId, image.id));
			return { src: linked ? originOf(linked) : image.src, alt: image.alt ?? '', position: position + 1 };
		});
		return { ...record, fields: { ...record.fields, images: neutral } };
	});
}

/**
 * The writes with each image the store holds given its id there, and the ids of the images it held that the list
 * drops (from what sync last knew of the product there: its snapshot).
 */
async function withStoreIds(store: StateStore, key: IdMapKey, snapshotKey: IdMapKey, batch: RecordWrite[]): Promise<RecordWrite[]> {
	const updates = batch.filter((write) => write.externalId && imagesOf(write.fields));
	if (updates.length === 0) return batch;
	const snapshots = await store.snapshots.getMany(snapshotKey, updates.map((write) => write.externalId as string));
	const held = (write: RecordWrite) => (imagesOf(snapshots.get(write.externalId as string)?.data ?? {}) ?? []).map((image) => image.src);
	const wanted = updates.flatMap((write) => [...(imagesOf(write.fields) ?? []).map((image) => image.src), ...held(write)].map((origin) => originKey(origin, write.externalId as string)));
	const ids = await store.idMap.externalIds(key, wanted);
	const idOf = (origin: string, productId: string) => ids.get(originKey(origin, productId))?.slice(productId.length + 1);
	return batch.map((write) => {
		const images = imagesOf(write.fields);
		if (!write.externalId || !images) return write;
		const productId = write.externalId;
		const kept = images.map((image) => {
			const id = idOf(image.src, productId);
			return id === undefined ? image : { ...image, id };
		});
		const keptIds = new Set(kept.map((image) => image.id));
		const dropped = held(write).map((origin) => idOf(origin, productId)).filter((id): id is string => id !== undefined && !keptIds.has(id));
		return { ...write, fields: { ...write.fields, images: kept, ...(dropped.length > 0 ? { droppedImageIds: [...new Set(dropped)] } : {}) } };
	});
}

/** Each image a write made on the store linked to its origin, by its place in the list the store answered with. */
async function linkCopies(store: StateStore, key: IdMapKey, written: RecordWrite[], outcomes: WriteOutcome[]): Promise<void> {
	const links = written.flatMap((write, index) => {
		const outcome = outcomes[index];
		const sent = imagesOf(write.fields);
		const answered = outcome?.ok ? imagesOf(outcome.fields) : undefined;
		if (!sent || !answered || !outcome?.ok) return [];
		const productId = outcome.externalId;
		return sent.flatMap((image, position) => {
			const copy = answered[position];
			return copy?.id === undefined ? [] : [{ internalId: originKey(image.src, productId), externalId: storeKey(productId, copy.id) }];
		});
	});
	if (links.length > 0) await store.idMap.linkMany(key, links);
}
