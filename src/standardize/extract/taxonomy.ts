/**
 * Our interest taxonomy: a small, flat-with-parents list of what a retailer's customers talk about. Each
 * interest has the words that signal it (lower-case, matched as whole words or word prefixes ending in
 * `*`). Kept short on purpose: an interest nobody acts on is noise. Extend it here, with a test.
 */
export interface Interest {
  id: string;
  parent: string | null;
  terms: readonly string[];
}

export const interestTaxonomy: readonly Interest[] = [
  {
    id: "outdoors",
    parent: null,
    terms: ["outdoor*", "trail*", "camp*", "tent*", "backpack*", "sleeping pad", "nature"],
  },
  {
    id: "outdoors/hiking",
    parent: "outdoors",
    terms: ["hike", "hikes", "hiking", "hiker*", "trek*", "mountain*"],
  },
  {
    id: "outdoors/running",
    parent: "outdoors",
    terms: ["run", "runs", "runner*", "running", "marathon*", "5k", "10k"],
  },
  { id: "fitness/yoga", parent: "fitness", terms: ["yoga", "pilates", "meditat*"] },
  { id: "fitness", parent: null, terms: ["gym", "workout*", "fitness", "training", "cycling", "bike*"] },
  { id: "food", parent: null, terms: ["foodie*", "recipe*", "baking", "cook*", "kitchen*", "chef"] },
  { id: "food/coffee", parent: "food", terms: ["coffee*", "espresso", "latte*", "mug", "mugs", "☕"] },
  { id: "home", parent: null, terms: ["home decor", "candle*", "interior*", "cozy", "diy", "garden*"] },
  { id: "books", parent: null, terms: ["book*", "reading", "reader*", "novel*", "library", "📚"] },
  { id: "pets", parent: null, terms: ["dog*", "puppy", "cat", "cats", "kitten*", "pet", "pets", "🐶"] },
  { id: "travel", parent: null, terms: ["travel*", "trip*", "wanderlust", "abroad", "passport"] },
  { id: "photography", parent: null, terms: ["photo*", "camera*", "📷"] },
  { id: "gaming", parent: null, terms: ["gamer*", "gaming", "video game*", "esports"] },
  {
    id: "tech",
    parent: null,
    terms: ["tech", "gadget*", "earbuds", "headphone*", "developer*", "engineer*"],
  },
  {
    id: "fashion",
    parent: null,
    terms: ["fashion*", "style", "outfit*", "wool", "jacket*", "boots", "socks"],
  },
  {
    id: "family",
    parent: null,
    terms: ["mom", "mum", "dad", "parent*", "kids", "family", "grandma", "grandpa"],
  },
  { id: "gifts", parent: null, terms: ["gift*", "present*", "birthday*", "christmas"] },
  { id: "art", parent: null, terms: ["art", "artist*", "paint*", "drawing", "craft*", "art supply"] },
];
