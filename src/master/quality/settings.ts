import { z } from "zod";

/**
 * How quality is judged, written as JSON (docs/quality.md); the defaults suit customer data. Every threshold
 * a rule uses is here, so a rule can be made stricter or looser without touching code.
 */

const weight = z.number().min(0).max(1);

export const fakeWeights = z.object({
  disposableEmail: weight.default(0.45),
  someDisposableEmail: weight.default(0.2),
  placeholderEmail: weight.default(0.6),
  emailFromName: weight.default(0.25),
  gibberishName: weight.default(0.75),
  gibberishNamePart: weight.default(0.45),
  placeholderName: weight.default(0.7),
  celebrityName: weight.default(0.45),
  automatedAgent: weight.default(0.6),
  spamText: weight.default(0.55),
  digitsInName: weight.default(0.35),
  placeholderBirthDate: weight.default(0.6),
  implausibleBirthDate: weight.default(0.4),
  placeholderPhone: weight.default(0.4),
  placeholderPostcode: weight.default(0.3),
  placeholderAddress: weight.default(0.3),
  signupBurst: weight.default(0.8),
  sharedDevice: weight.default(0.75),
  nearIdenticalPosts: weight.default(0.75),
});

export const qualitySettings = z.object({
  /** A profile not seen for this many days is stale. */
  staleAfterDays: z.number().int().positive().default(730),
  /** Ages a customer's date of birth may give. */
  age: z
    .object({ min: z.number().int().min(0).default(13), max: z.number().int().default(110) })
    .prefault({}),
  typos: z
    .object({
      /** Edit distance (Damerau-Levenshtein) within which a differing value is a likely typo. */
      maxDistance: z.number().int().min(1).default(2),
      /** Records that must agree on the golden value before another is called a typo of it. */
      minAgreeing: z.number().int().min(2).default(2),
      /** Values shorter than this are not judged (initials, short codes). */
      minLength: z.number().int().min(1).default(4),
    })
    .prefault({}),
  generic: z
    .object({
      /**
       * Per resolution feature: a value held by more distinct entities than this is generic (a call-centre
       * phone, a placeholder email, a shop's address) and is excluded from matching and householding.
       */
      maxEntities: z.record(z.string(), z.number().int().min(1)).default({
        email: 8,
        phone: 8,
        addressLine: 12,
        "id:device_id": 8,
        "id:anonymous_id": 8,
        "id:ip_address": 12,
        "id:cookie": 8,
      }),
    })
    .prefault({}),
  fake: z
    .object({
      weights: fakeWeights.prefault({}),
      /** From this score a profile is reported as a likely fake. */
      threshold: z.number().min(0).max(1).default(0.5),
      /** From this score a profile is kept out of audiences and insights. */
      excludeAt: z.number().min(0).max(1).default(0.7),
      burst: z
        .object({
          /** Identified sign-ups of this many different profiles from one IP address… */
          minProfiles: z.number().int().min(2).default(5),
          /** …within this many minutes make a burst. */
          windowMinutes: z.number().positive().default(15),
        })
        .prefault({}),
      sharedDevice: z
        .object({
          /** One device or app install used by this many differently named profiles is a device farm. */
          minPeople: z.number().int().min(2).default(5),
          /** …of which this many family names: a family shares one, a farm does not. */
          minFamilies: z.number().int().min(1).default(3),
        })
        .prefault({}),
      posts: z
        .object({
          /** Near-identical posts by this many profiles… */
          minProfiles: z.number().int().min(2).default(4),
          /** …within this many hours… */
          windowHours: z.number().positive().default(72),
          /**
           * …of at least this many words (a promotion is long; "Coffee first." is what many people say), sharing
           * at least `similarity` of their words (Jaccard).
           */
          minWords: z.number().int().min(1).default(10),
          similarity: z.number().min(0).max(1).default(0.3),
        })
        .prefault({}),
    })
    .prefault({}),
});
export type QualitySettings = z.infer<typeof qualitySettings>;
export type QualitySettingsInput = z.input<typeof qualitySettings>;
export type FakeWeights = z.infer<typeof fakeWeights>;

export const defaultQualitySettings: QualitySettings = qualitySettings.parse({});
