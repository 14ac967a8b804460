/**
 * Word tables for the generated demo catalogue: categories with their own brands and product nouns, so titles read
 * like a real shop's and each category has a recognisable look (icon shape) in the generated images.
 */
export interface CategorySpec {
  id: string;
  label: string;
  /** Icon drawn in the product image: one simple SVG path per category. */
  icon: string;
  brands: string[];
  nouns: string[];
  /** Typical price range in euros. */
  price: [number, number];
}

export const ADJECTIVES = [
  'Classic', 'Urban', 'Alpine', 'Coastal', 'Vintage', 'Modern', 'Everyday', 'Studio', 'Nordic', 'Field',
  'Compact', 'Deluxe', 'Essential', 'Heritage', 'Trail', 'Soft', 'Bold', 'Quiet', 'Bright', 'Midnight',
];

/** Colour names and the hex used for the product image. */
export const COLOURS: [string, string][] = [
  ['Red', '#d94c4c'], ['Teal', '#2a9d8f'], ['Sand', '#d4a373'], ['Navy', '#264653'],
  ['Olive', '#7a8b3a'], ['Plum', '#8e4585'], ['Sky', '#4ea8de'], ['Charcoal', '#3d3d3d'],
];

export const PRICE_BANDS: [number, string][] = [
  [10, '0-10'], [25, '10-25'], [50, '25-50'], [100, '50-100'], [250, '100-250'], [Infinity, '250+'],
];

const C = (id: string, label: string, icon: string, brands: string[], nouns: string[], price: [number, number]): CategorySpec => ({
  id, label, icon, brands, nouns, price,
});

export const CATEGORIES: CategorySpec[] = [
  C('shoes', 'Shoes', 'M12 44h40l-2-8-14-4-6-12h-8l-6 14z', ['Stridewell', 'Kestrel', 'Footloom', 'Pavé', 'Runara', 'Bootcraft'], ['Sneaker', 'Boot', 'Loafer', 'Sandal', 'Trail Runner', 'Slip-on'], [30, 180]),
  C('coffee', 'Coffee', 'M16 20h28v18a10 10 0 0 1-10 10h-8a10 10 0 0 1-10-10zM44 24h6a6 6 0 0 1 0 12h-6', ['Roastery 9', 'Bean & Co', 'Crema Nord', 'Highland Cup', 'Mokka Lane', 'Daybreak'], ['Espresso Beans', 'Filter Roast', 'Cold Brew Kit', 'Decaf Blend', 'Single Origin', 'Pour-over Set'], [6, 40]),
  C('books', 'Books', 'M14 14h16a4 4 0 0 1 4 4v32a4 4 0 0 0-4-4H14zM50 14H34v36a4 4 0 0 1 4-4h12z', ['Inkwell Press', 'Marginalia', 'Folio House', 'Paperlark', 'Quire', 'Northpage'], ['Novel', 'Cookbook', 'Field Guide', 'Poetry Collection', 'Biography', 'Atlas'], [8, 45]),
  C('audio', 'Audio', 'M14 36v-4a18 18 0 0 1 36 0v4M14 36h6v12h-6zM44 36h6v12h-6z', ['Sonique', 'Hertzfeld', 'Auralis', 'Bassline', 'Tonewood', 'Echo Park'], ['Headphones', 'Earbuds', 'Speaker', 'Turntable', 'Soundbar', 'Amplifier'], [25, 400]),
  C('kitchen', 'Kitchen', 'M20 12v40M14 12v12a6 6 0 0 0 12 0V12M40 12c-6 0-6 20 0 20v20', ['Copperleaf', 'Hearthware', 'Saltmill', 'Cast & Co', 'Knifewright', 'Pantry 12'], ['Skillet', 'Chef Knife', 'Dutch Oven', 'Cutting Board', 'Whisk Set', 'Spice Rack'], [12, 220]),
  C('garden', 'Garden', 'M32 52V28M32 28c-12 0-16-10-16-16 10 0 16 6 16 16zM32 34c10 0 14-8 14-14-8 0-14 6-14 14z', ['Greenthumb', 'Fernhill', 'Rootstock', 'Bloomwell', 'Potting Shed', 'Meadowly'], ['Planter', 'Pruning Shears', 'Seed Kit', 'Watering Can', 'Trowel', 'Raised Bed'], [8, 150]),
  C('toys', 'Toys', 'M20 24h24v24H20zM26 24v-8h12v8M20 36h24', ['Playfort', 'Tinkerbox', 'Wobble', 'Kitekin', 'Blocksmith', 'Marble Hill'], ['Building Set', 'Puzzle', 'Wooden Train', 'Plush Fox', 'Kite', 'Board Game'], [10, 90]),
  C('outdoor', 'Outdoor', 'M8 50l20-34 10 16 6-8 12 26z', ['Summitline', 'Trailhead', 'Basecamp', 'Ridgeway', 'Canopy', 'Wildfern'], ['Tent', 'Backpack', 'Sleeping Bag', 'Headlamp', 'Trekking Poles', 'Camp Stove'], [20, 350]),
  C('beauty', 'Beauty', 'M26 22h12v28H26zM28 12h8v10h-8z', ['Lumière', 'Dewdrop', 'Petalia', 'Velvet Rose', 'Clearwater', 'Aurelle'], ['Face Serum', 'Lip Balm', 'Hand Cream', 'Shampoo', 'Sunscreen', 'Eye Cream'], [6, 70]),
  C('fitness', 'Fitness', 'M8 28h6v8H8zM14 24h6v16h-6zM20 30h24v4H20zM44 24h6v16h-6zM50 28h6v8h-6z', ['Ironform', 'Pulse', 'Coreline', 'Flexa', 'Repcount', 'Stamina'], ['Dumbbell Set', 'Yoga Mat', 'Resistance Bands', 'Kettlebell', 'Jump Rope', 'Foam Roller'], [10, 200]),
  C('tea', 'Tea', 'M14 26h32v12a12 12 0 0 1-12 12h-8a12 12 0 0 1-12-12zM24 14c0 4 4 4 4 8M34 14c0 4 4 4 4 8', ['Leaf & Kettle', 'Oolong House', 'Steepwell', 'Chai Road', 'Misty Peak', 'Camellia'], ['Green Tea', 'Earl Grey', 'Herbal Blend', 'Matcha', 'Rooibos', 'Tea Set'], [5, 60]),
  C('office', 'Office', 'M12 20h40v26H12zM24 20v-6h16v6M12 32h40', ['Deskwise', 'Paperweight', 'Ledger', 'Inkline', 'Cubicle', 'Foldr'], ['Notebook', 'Fountain Pen', 'Desk Lamp', 'Organiser', 'Planner', 'Monitor Stand'], [4, 160]),
  C('pets', 'Pets', 'M22 38a10 8 0 1 0 20 0 10 8 0 1 0-20 0M18 24a4 5 0 1 0 8 0 4 5 0 1 0-8 0M38 24a4 5 0 1 0 8 0 4 5 0 1 0-8 0', ['Pawsome', 'Whiskerly', 'Tailwag', 'Furrow', 'Kibble & Co', 'Barkley'], ['Dog Bed', 'Cat Tree', 'Leash', 'Chew Toy', 'Pet Fountain', 'Grooming Brush'], [6, 140]),
  C('games', 'Games', 'M14 26h36a8 8 0 0 1 8 8v4a8 8 0 0 1-14 4H20a8 8 0 0 1-14-4v-4a8 8 0 0 1 8-8zM20 30v8M16 34h8', ['Pixelforge', 'Respawn', 'Joystick Co', 'Arcadia', 'Meeple', 'Dicehaus'], ['Controller', 'Strategy Game', 'Card Game', 'Headset', 'Party Game', 'Retro Console'], [10, 300]),
  C('home', 'Home', 'M10 32l22-18 22 18M16 28v22h32V28', ['Hearthstone', 'Linen Lane', 'Nestwell', 'Driftwood', 'Lumen', 'Woolhouse'], ['Throw Blanket', 'Candle', 'Cushion', 'Vase', 'Wall Clock', 'Rug'], [10, 260]),
  C('cycling', 'Cycling', 'M18 44a8 8 0 1 0 0-.1M46 44a8 8 0 1 0 0-.1M18 44l10-16h14l4 16M28 28l-4-8', ['Velocita', 'Chainring', 'Spokesmith', 'Freewheel', 'Gravelo', 'Cadence'], ['Bike Helmet', 'Bike Light', 'Saddle Bag', 'Cycling Jersey', 'Bike Lock', 'Pump'], [15, 240]),
];
