extension StyleVocabulary {
    /// What the photos are for. Each suggests sensible choices for what the user leaves open.
    static let useCases: [StyleOption] = [
        StyleOption(
            "linkedin", "a LinkedIn headshot",
            [
                "linkedin", "professional headshot", "corporate headshot", "business headshot", "profile picture",
                "profile photo", "business portrait", "team page", "cv photo", "resume photo",
            ],
            "",
            defaults: [
                .setting: "office", .framing: "headshot", .outfit: "blazer", .mood: "confident",
                .light: "window", .brandVibe: "corporate",
            ]),
        StyleOption(
            "website", "photos for your website",
            [
                "website", "about page", "about me page", "homepage", "home page", "hero image", "landing page",
                "brand photos", "brand shoot", "personal brand", "personal branding",
            ],
            "",
            defaults: [.setting: "home-office", .framing: "half-body", .mood: "warm", .light: "window"]),
        StyleOption(
            "speaker", "speaker photos",
            ["speaker", "keynote", "conference", "on stage", "ted talk", "panel", "event photo"],
            "",
            defaults: [.setting: "stage", .framing: "half-body", .mood: "confident", .light: "spotlight"]),
        StyleOption(
            "podcast", "podcast artwork",
            ["podcast", "podcast cover", "episode artwork"],
            "",
            defaults: [.setting: "podcast-studio", .prop: "microphone", .framing: "half-body", .mood: "warm"]),
        StyleOption(
            "social", "social media content",
            ["instagram", "social media", "tiktok", "content creation", "reels", "instagram stories"],
            "",
            defaults: [.setting: "city-street", .framing: "candid", .mood: "joyful", .light: "golden-hour"]),
        StyleOption(
            "press", "press and author photos",
            [
                "press photo", "press kit", "media kit", "author photo", "book cover", "magazine",
                "magazine interview",
            ],
            "",
            defaults: [.setting: "studio", .framing: "half-body", .mood: "thoughtful", .light: "studio"]),
        StyleOption(
            "campaign", "a launch campaign",
            ["launch", "campaign", "advert", "ad campaign", "sales page", "product launch"],
            "",
            defaults: [.setting: "studio", .framing: "three-quarter", .mood: "confident", .brandVibe: "bold"]),
    ]

    /// Where the photo is taken. Labels carry their preposition ("on the beach").
    static let settings: [StyleOption] = [
        StyleOption(
            "office", "in a bright modern office",
            ["office", "workplace", "boardroom", "meeting room", "corporate office", "at work", "desk"],
            "in a bright modern office with floor-to-ceiling windows, glass walls and plants softly blurred behind",
            defaults: [.light: "window", .outfit: "blazer"]),
        StyleOption(
            "home-office", "in a light-filled home office",
            ["home office", "working from home", "wfh"],
            "at a light oak desk in a calm, light-filled home office with bookshelves and a linen armchair",
            defaults: [.light: "window", .outfit: "knit"]),
        StyleOption(
            "coworking", "in a creative coworking space",
            ["coworking", "co working", "shared workspace", "startup office", "loft office"],
            "in an airy industrial coworking loft with exposed brick, steel windows and long communal tables",
            defaults: [.light: "window", .outfit: "smart-casual"]),
        StyleOption(
            "studio", "in a clean photo studio",
            ["studio", "photo studio", "backdrop", "plain background", "seamless"],
            "in a photo studio against a seamless warm-grey backdrop",
            defaults: [.light: "studio", .outfit: "turtleneck"]),
        StyleOption(
            "cafe", "in a cosy café",
            ["cafe", "coffee shop", "coffeeshop", "coffee house", "bistro", "tea room", "bakery"],
            "seated at a small marble table in a cosy sunlit café, espresso machine and pastries softly blurred behind",
            defaults: [.light: "window", .outfit: "knit", .prop: "coffee"]),
        StyleOption(
            "restaurant", "in an elegant restaurant",
            ["restaurant", "wine bar", "cocktail bar", "bar", "dinner", "brasserie"],
            "at a candlelit table in an elegant restaurant with velvet banquettes and brass details",
            defaults: [.light: "candlelight", .outfit: "silk"]),
        StyleOption(
            "bookstore", "in a cosy bookshop",
            ["bookstore", "bookshop", "library", "reading room"],
            "between tall wooden shelves in a cosy independent bookshop",
            defaults: [.light: "window", .outfit: "knit", .prop: "book"]),
        StyleOption(
            "city-street", "on a city street",
            ["city", "street", "downtown", "urban", "sidewalk", "crosswalk", "london", "milan"],
            "on a quiet city street lined with old stone buildings and shop windows",
            defaults: [.light: "golden-hour", .outfit: "trench-coat", .framing: "candid"], isGeneric: true),
        StyleOption(
            "paris", "on a Parisian street",
            ["paris", "parisian", "french cafe terrace", "eiffel tower"],
            "on a Parisian street with Haussmann facades, wrought-iron balconies and café terraces",
            defaults: [.light: "overcast", .outfit: "trench-coat", .brandVibe: "classic"]),
        StyleOption(
            "new-york", "in New York City",
            ["new york", "nyc", "manhattan", "brooklyn"],
            "on a Manhattan sidewalk with brownstones, fire escapes and yellow cabs softly blurred behind",
            defaults: [.light: "golden-hour", .outfit: "coat"]),
        StyleOption(
            "tokyo", "in a neon-lit Tokyo alley",
            ["tokyo", "japan", "shibuya", "neon alley"],
            "in a narrow Tokyo alley glowing with neon signs and paper lanterns, wet pavement reflecting the light",
            defaults: [.light: "neon", .outfit: "leather-jacket"]),
        StyleOption(
            "mediterranean", "in a Mediterranean village",
            [
                "mediterranean", "santorini", "greece", "greek island", "amalfi", "italy", "italian coast",
                "positano", "capri", "mallorca", "riviera",
            ],
            "on whitewashed stone steps in a Mediterranean village with pink bougainvillea and a glimpse of blue sea",
            defaults: [.light: "midday-sun", .outfit: "linen"]),
        StyleOption(
            "tropical", "at a tropical resort",
            ["tropical", "bali", "palm trees", "resort", "jungle", "island"],
            "on the terrace of a tropical resort framed by palm leaves and rattan furniture",
            defaults: [.light: "golden-hour", .outfit: "linen"]),
        StyleOption(
            "beach", "on the beach",
            ["beach", "seaside", "ocean", "sea", "coast", "shore", "waves", "sand dunes by the sea"],
            "at the water's edge on a quiet sandy beach, soft waves and a wide horizon behind",
            defaults: [.light: "golden-hour", .outfit: "linen", .framing: "full-body"]),
        StyleOption(
            "mountains", "in the mountains",
            ["mountain", "alps", "alpine", "hiking", "lake", "cabin", "ski"],
            "on a wooden dock by a turquoise alpine lake with snow-dusted peaks behind",
            defaults: [.light: "overcast", .outfit: "coat"]),
        StyleOption(
            "desert", "in the desert",
            ["desert", "dunes", "joshua tree", "sahara", "canyon"],
            "among rolling sand dunes in a vast desert landscape",
            defaults: [.light: "golden-hour", .outfit: "linen", .framing: "full-body"]),
        StyleOption(
            "garden", "in a garden",
            ["garden", "park", "greenhouse", "botanical", "meadow", "flower field", "field", "orchard"],
            "in a lush garden with soft greenery and blossoms melting into bokeh",
            defaults: [.light: "golden-hour", .outfit: "linen"], isGeneric: true),
        StyleOption(
            "forest", "in the forest",
            ["forest", "woods", "woodland", "trees"],
            "on a mossy forest path with tall trees and dappled light",
            defaults: [.light: "overcast", .outfit: "knit"]),
        StyleOption(
            "loft", "in an industrial loft",
            ["loft", "industrial loft", "warehouse", "converted warehouse", "exposed brick", "brick wall"],
            "in a sunlit industrial loft with exposed brick, tall steel-framed windows and warm wooden floors",
            defaults: [.light: "window", .outfit: "white-shirt"]),
        StyleOption(
            "rooftop", "on a city rooftop",
            ["rooftop", "roof terrace", "skyline", "balcony", "penthouse terrace"],
            "on a city rooftop terrace with the skyline glowing softly out of focus",
            defaults: [.light: "golden-hour", .outfit: "white-shirt"]),
        StyleOption(
            "hotel", "in a luxury hotel lobby",
            ["hotel", "hotel lobby", "lobby", "lounge"],
            "in a luxury hotel lobby with marble floors, brass lamps and velvet armchairs",
            defaults: [.light: "window", .outfit: "suit", .brandVibe: "luxury"]),
        StyleOption(
            "gallery", "in an art gallery",
            ["gallery", "art gallery", "museum", "exhibition"],
            "in a white-walled contemporary art gallery with large abstract canvases",
            defaults: [.light: "window", .outfit: "turtleneck", .brandVibe: "creative"]),
        StyleOption(
            "home", "in a cosy living room",
            ["home", "living room", "sofa", "couch", "at home", "apartment", "bedroom"],
            "in a cosy, styled living room with a linen sofa, books and warm lamps",
            defaults: [.light: "window", .outfit: "knit"]),
        StyleOption(
            "kitchen", "in a sunlit kitchen",
            ["kitchen", "cooking", "baking"],
            "in a sunlit kitchen with open shelves, fresh herbs and a marble counter",
            defaults: [.light: "window", .outfit: "white-shirt"]),
        StyleOption(
            "stage", "on a conference stage",
            ["stage", "auditorium", "conference stage", "podium"],
            "on a conference stage with a large glowing screen behind and audience silhouettes in the foreground",
            defaults: [.light: "spotlight", .outfit: "blazer"]),
        StyleOption(
            "podcast-studio", "in a podcast studio",
            ["podcast studio", "recording studio", "radio studio"],
            "in a warm podcast studio with acoustic panels and practical lamps",
            defaults: [.light: "studio", .outfit: "knit", .prop: "microphone"]),
        StyleOption(
            "yoga-studio", "in a calm yoga studio",
            ["yoga studio", "wellness studio", "pilates studio", "spa", "retreat"],
            "in a calm yoga studio with pale wood floors, plants and sheer curtains",
            defaults: [.light: "window", .outfit: "activewear"]),
        StyleOption(
            "airport", "in an airport lounge",
            ["airport", "airport lounge", "departure lounge", "train station", "private jet"],
            "in a sleek airport lounge beside floor-to-ceiling windows with aircraft beyond",
            defaults: [.light: "window", .outfit: "smart-casual", .prop: "suitcase"]),
    ]

    /// The season or holiday.
    static let seasons: [StyleOption] = [
        StyleOption(
            "spring", "spring", ["spring", "springtime", "cherry blossom", "blossom", "easter"],
            "fresh spring atmosphere with blossoms and soft green accents"),
        StyleOption(
            "summer", "summer", ["summer", "summertime", "heatwave", "vacation", "holiday by the sea"],
            "bright carefree summer atmosphere"),
        StyleOption(
            "autumn", "autumn",
            [
                "autumn", "autumnal", "in the fall", "fall season", "fall vibes", "fall foliage", "fall colours",
                "fall colors", "fall leaves", "autumn leaves", "halloween", "thanksgiving",
            ],
            "cosy autumn atmosphere with russet and amber accents"),
        StyleOption(
            "winter", "winter", ["winter", "wintery", "wintry", "snow", "snowy", "frost", "cold weather"],
            "crisp winter atmosphere with a soft chill in the air"),
        StyleOption(
            "holiday", "the festive season",
            ["christmas", "xmas", "festive", "holiday season", "holidays", "new year", "new years eve", "hanukkah"],
            "festive holiday atmosphere with warm twinkling fairy lights in the background"),
    ]
}
