/**
 * The fictional retailer the sources describe — Lumen & Loom, a home-and-outdoor shop with a web site, a
 * mobile app and a support desk — and the web and device vocabulary its logs and events use.
 */

export const shop = {
  name: "Lumen & Loom",
  host: "www.lumenloom.example",
  supportAddress: "support@lumenloom.example",
  appName: "Lumen & Loom",
  appVersions: ["4.2.1", "4.3.0", "4.3.2", "4.4.0", "5.0.1", "5.1.0"],
} as const;

export interface Product {
  sku: string;
  name: string;
  category: string;
  price: number;
}

const productLines = `
apparel|Merino Crew Sweater|89;Rain Shell Jacket|149;Organic Cotton Tee|24;Trail Running Shorts|39;Wool Hiking Socks|18;Fleece Pullover|69;Linen Shirt|59;Packable Down Vest|119
home|Ceramic Pour-Over Set|42;Linen Duvet Cover|129;Cast Iron Skillet|54;Beeswax Candle Trio|28;Wool Throw Blanket|98;Stoneware Mug|16;Bamboo Cutting Board|32;Glass Storage Jars|26
outdoor|Insulated Water Bottle|34;Ultralight Tent|349;Camp Stove|79;Headlamp 400|45;Trekking Poles|89;Sleeping Pad|119;Daypack 24L|99;Hammock|64
electronics|Wireless Earbuds|129;Solar Power Bank|59;Smart Thermostat|199;Bluetooth Speaker|79;E-Reader Cover|29;USB-C Charger|35
beauty|Lavender Hand Cream|14;Charcoal Soap Bar|8;Cedar Beard Oil|22;Mineral Sunscreen|19;Rosehip Face Oil|36
kids|Wooden Puzzle Set|27;Plush Fox|19;Kids Rain Boots|39;Art Supply Kit|34`;

export const products: Product[] = productLines
  .trim()
  .split("\n")
  .flatMap((line, lineIndex) => {
    const bar = line.indexOf("|");
    const category = line.slice(0, bar);
    return line
      .slice(bar + 1)
      .split(";")
      .map((entry, i) => {
        const [name, price] = entry.split("|") as [string, string];
        return {
          sku: `${category.slice(0, 3).toUpperCase()}-${String(lineIndex * 100 + i + 101)}`,
          name,
          category,
          price: Number(price),
        };
      });
  });

export const campaigns = [
  "spring_sale",
  "summer_outdoor",
  "back_to_school",
  "black_friday",
  "cyber_monday",
  "holiday_gift_guide",
  "new_year_reset",
  "loyalty_double_points",
  "free_shipping_weekend",
  "winback_90d",
  "welcome_series",
];

/** utm_source, utm_medium and relative weight. */
export const trafficSources: [source: string, medium: string, weight: number][] = [
  ["google", "cpc", 22],
  ["newsletter", "email", 18],
  ["facebook", "paid_social", 12],
  ["instagram", "paid_social", 10],
  ["bing", "cpc", 4],
  ["pinterest", "social", 5],
  ["tiktok", "paid_social", 5],
  ["affiliate_network", "affiliate", 6],
  ["youtube", "video", 3],
  ["sms", "sms", 4],
];

export const referrers: [referrer: string, weight: number][] = [
  ["-", 30],
  ["https://www.google.com/", 30],
  ["https://www.bing.com/", 4],
  ["https://duckduckgo.com/", 3],
  ["https://www.facebook.com/", 7],
  ["https://l.instagram.com/", 6],
  ["https://t.co/", 2],
  ["https://www.pinterest.com/", 3],
  ["android-app://com.google.android.gm/", 5],
  ["https://mail.yahoo.com/", 2],
  ["https://outlook.live.com/", 2],
];

export const desktopUserAgents = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36 Edg/128.0.0.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
];

export const mobileUserAgents = [
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36",
  "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36",
  "Mozilla/5.0 (Linux; Android 13; SM-A536U) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 12; moto g stylus 5G) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
];

export interface DeviceModel {
  type: "ios" | "android";
  manufacturer: string;
  model: string;
  osName: string;
  osVersions: string[];
  tablet: boolean;
  weight: number;
}

export const deviceModels: DeviceModel[] = [
  {
    type: "ios",
    manufacturer: "Apple",
    model: "iPhone14,5",
    osName: "iOS",
    osVersions: ["16.7.8", "17.4.1", "17.5.1"],
    tablet: false,
    weight: 14,
  },
  {
    type: "ios",
    manufacturer: "Apple",
    model: "iPhone15,2",
    osName: "iOS",
    osVersions: ["17.4.1", "17.5.1", "17.6"],
    tablet: false,
    weight: 14,
  },
  {
    type: "ios",
    manufacturer: "Apple",
    model: "iPhone16,1",
    osName: "iOS",
    osVersions: ["17.5.1", "17.6", "18.0"],
    tablet: false,
    weight: 12,
  },
  {
    type: "ios",
    manufacturer: "Apple",
    model: "iPhone12,1",
    osName: "iOS",
    osVersions: ["16.7.8", "17.5.1"],
    tablet: false,
    weight: 6,
  },
  {
    type: "android",
    manufacturer: "samsung",
    model: "SM-S921B",
    osName: "Android",
    osVersions: ["14"],
    tablet: false,
    weight: 9,
  },
  {
    type: "android",
    manufacturer: "samsung",
    model: "SM-A546E",
    osName: "Android",
    osVersions: ["13", "14"],
    tablet: false,
    weight: 8,
  },
  {
    type: "android",
    manufacturer: "Google",
    model: "Pixel 8",
    osName: "Android",
    osVersions: ["14", "15"],
    tablet: false,
    weight: 6,
  },
  {
    type: "android",
    manufacturer: "Google",
    model: "Pixel 7a",
    osName: "Android",
    osVersions: ["13", "14"],
    tablet: false,
    weight: 4,
  },
  {
    type: "android",
    manufacturer: "motorola",
    model: "moto g stylus 5G",
    osName: "Android",
    osVersions: ["12", "13"],
    tablet: false,
    weight: 4,
  },
  {
    type: "android",
    manufacturer: "OnePlus",
    model: "CPH2449",
    osName: "Android",
    osVersions: ["13", "14"],
    tablet: false,
    weight: 2,
  },
];

export const tabletModels: DeviceModel[] = [
  {
    type: "ios",
    manufacturer: "Apple",
    model: "iPad13,18",
    osName: "iPadOS",
    osVersions: ["17.5.1", "17.6"],
    tablet: true,
    weight: 10,
  },
  {
    type: "ios",
    manufacturer: "Apple",
    model: "iPad7,11",
    osName: "iPadOS",
    osVersions: ["16.7.8", "17.5.1"],
    tablet: true,
    weight: 5,
  },
  {
    type: "android",
    manufacturer: "samsung",
    model: "SM-X200",
    osName: "Android",
    osVersions: ["13", "14"],
    tablet: true,
    weight: 5,
  },
  {
    type: "android",
    manufacturer: "Amazon",
    model: "KFTRWI",
    osName: "Fire OS",
    osVersions: ["7.3.2.9"],
    tablet: true,
    weight: 4,
  },
];

export interface Bot {
  name: string;
  userAgent: string;
  /** First two octets of the addresses it crawls from. */
  network: string;
  paths: string[];
  weight: number;
}

export const bots: Bot[] = [
  {
    name: "googlebot",
    userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    network: "66.249",
    paths: ["/robots.txt", "/sitemap.xml", "/products/", "/category/"],
    weight: 30,
  },
  {
    name: "bingbot",
    userAgent: "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    network: "40.77",
    paths: ["/robots.txt", "/products/", "/category/"],
    weight: 15,
  },
  {
    name: "ahrefs",
    userAgent: "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    network: "54.36",
    paths: ["/products/", "/blog/", "/category/"],
    weight: 10,
  },
  {
    name: "semrush",
    userAgent: "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    network: "85.208",
    paths: ["/products/", "/blog/"],
    weight: 8,
  },
  {
    name: "scanner",
    userAgent: "Mozilla/5.0 zgrab/0.x",
    network: "45.148",
    paths: ["/wp-login.php", "/.env", "/admin/", "/phpmyadmin/", "/.git/config", "/xmlrpc.php"],
    weight: 6,
  },
  {
    name: "scraper",
    userAgent: "python-requests/2.31.0",
    network: "159.203",
    paths: ["/products/", "/api/products?page="],
    weight: 8,
  },
  {
    name: "curl",
    userAgent: "curl/8.4.0",
    network: "104.248",
    paths: ["/", "/api/health"],
    weight: 4,
  },
  {
    name: "headless",
    userAgent:
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36",
    network: "34.141",
    paths: ["/products/", "/signup", "/account/login"],
    weight: 6,
  },
];

export const socialPlatforms: [platform: string, baseUrl: string, weight: number][] = [
  ["instagram", "https://www.instagram.com/", 30],
  ["twitter", "https://x.com/", 20],
  ["facebook", "https://www.facebook.com/", 22],
  ["tiktok", "https://www.tiktok.com/@", 14],
  ["linkedin", "https://www.linkedin.com/in/", 10],
  ["mastodon", "https://mastodon.social/@", 4],
];

export const disposableDomains = [
  "mailinator.com",
  "guerrillamail.com",
  "10minutemail.com",
  "yopmail.com",
  "trashmail.com",
  "tempmail.net",
  "sharklasers.com",
  "throwawaymail.com",
  "getnada.com",
  "dispostable.com",
];

/** Names people give when they do not want to give theirs. */
export const celebrityNames: [given: string, family: string][] = [
  ["Mickey", "Mouse"],
  ["Donald", "Duck"],
  ["Homer", "Simpson"],
  ["Taylor", "Swift"],
  ["Elvis", "Presley"],
  ["John", "Doe"],
  ["Jane", "Doe"],
  ["Harry", "Potter"],
  ["Bruce", "Wayne"],
  ["Tony", "Stark"],
  ["Santa", "Claus"],
  ["Elon", "Musk"],
  ["Barack", "Obama"],
  ["Beyonce", "Knowles"],
  ["Luke", "Skywalker"],
  ["Test", "User"],
  ["Test", "Test"],
];
