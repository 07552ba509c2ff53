/**
 * Shopify's product media are read in calls of as many products as keep the query within its cost of 1,000 points:
 * each call asks for as many media a product as the most its products have.
 */
import { mediaBatches } from '../../lib/platforms/shopify/products';

const cost = (batch: { ids: string[]; first: number }, perMedia: number) => batch.ids.length * (3 + perMedia * batch.first);

test('products of few media share a call; each call stays within the query cost and asks for its largest product', () => {
	const products = [
		...Array.from({ length: 200 }, (_, index) => ({ id: `one-${index}`, count: 1 })),
		{ id: 'many', count: 36 },
		{ id: 'most', count: 250 },
	];
	const batches = mediaBatches(products);
	expect(batches.flatMap((batch) => batch.ids).sort()).toEqual(products.map((product) => product.id).sort());
	expect(batches.every((batch) => cost(batch, 3) <= 990)).toBe(true);
	expect(batches.map((batch) => [batch.ids.length, batch.first])).toEqual([[165, 1], [35, 1], [1, 36], [1, 250]]);
	// At 1 point a media (ids and kinds only), more products share a call.
	expect(mediaBatches(products, 1).every((batch) => cost(batch, 1) <= 990)).toBe(true);
	expect(mediaBatches(products, 1).map((batch) => [batch.ids.length, batch.first])).toEqual([[200, 1], [2, 250]]);
});

test('no products, no calls', () => {
	expect(mediaBatches([])).toEqual([]);
});
