extension StyleVocabulary {
    /// What the user wears. `{colour}` takes a colour the user names ("a navy blazer").
    static let outfits: [StyleOption] = [
        StyleOption(
            "blazer", "a tailored {colour} blazer", ["blazer", "jacket and shirt", "sport coat"],
            "a tailored {colour} blazer over a crisp white shirt", colour: "navy"),
        StyleOption(
            "suit", "a {colour} suit", ["suit", "power suit", "pantsuit", "trouser suit", "tuxedo"],
            "a sharply tailored {colour} suit", colour: "charcoal"),
        StyleOption(
            "white-shirt", "a crisp {colour} shirt",
            ["white shirt", "button down", "button up", "oxford shirt", "dress shirt", "shirt"],
            "a crisp {colour} button-down shirt with the sleeves casually rolled", colour: "white"),
        StyleOption(
            "knit", "a {colour} knit sweater",
            ["sweater", "jumper", "knit", "knitwear", "cardigan", "cashmere", "cable knit", "pullover"],
            "a soft {colour} cable-knit sweater", colour: "cream"),
        StyleOption(
            "turtleneck", "a {colour} turtleneck", ["turtleneck", "roll neck", "rollneck", "polo neck", "mock neck"],
            "a fitted {colour} turtleneck", colour: "black"),
        StyleOption(
            "trench-coat", "a {colour} trench coat", ["trench", "trench coat", "raincoat"],
            "a classic {colour} trench coat", colour: "beige"),
        StyleOption(
            "coat", "a {colour} wool coat", ["coat", "wool coat", "overcoat", "long coat", "parka"],
            "a long {colour} wool coat", colour: "camel"),
        StyleOption(
            "leather-jacket", "a {colour} leather jacket", ["leather jacket", "biker jacket", "moto jacket"],
            "a {colour} leather jacket over a plain white tee", colour: "black"),
        StyleOption(
            "denim", "{colour} denim", ["denim", "jeans", "denim jacket", "jean jacket", "chambray"],
            "relaxed {colour} denim", colour: "mid-blue"),
        StyleOption(
            "linen", "{colour} linen", ["linen", "linen shirt", "linen dress", "linen suit", "resort wear"],
            "relaxed {colour} linen separates", colour: "cream"),
        StyleOption(
            "silk", "a {colour} silk shirt", ["silk", "silk blouse", "silk shirt", "satin", "blouse"],
            "a fluid {colour} silk shirt", colour: "ivory"),
        StyleOption(
            "dress", "a {colour} dress",
            [
                "dress", "little black dress", "midi dress", "maxi dress", "sundress", "summer dress", "floral dress",
                "slip dress", "wrap dress",
            ],
            "an elegant {colour} midi dress", colour: "black"),
        StyleOption(
            "gown", "a {colour} evening gown", ["gown", "evening gown", "ball gown", "evening wear", "black tie"],
            "a floor-length {colour} evening gown", colour: "emerald"),
        StyleOption(
            "jumpsuit", "a {colour} jumpsuit", ["jumpsuit", "boiler suit", "overalls"],
            "a tailored {colour} jumpsuit", colour: "black"),
        StyleOption(
            "activewear", "{colour} activewear",
            ["activewear", "athleisure", "yoga clothes", "gym clothes", "sportswear", "leggings", "workout"],
            "sleek {colour} activewear", colour: "sage green"),
        StyleOption(
            "tee", "a {colour} t-shirt", ["t shirt", "tshirt", "tee", "hoodie", "sweatshirt"],
            "a clean {colour} crew-neck t-shirt", colour: "white"),
        StyleOption(
            "smart-casual", "a smart-casual outfit", ["smart casual", "casual", "relaxed outfit", "everyday outfit"],
            "an effortless smart-casual outfit in soft neutral tones"),
    ]

    /// The light.
    static let lights: [StyleOption] = [
        StyleOption(
            "golden-hour", "golden-hour light",
            ["golden hour", "golden light", "sunset", "sunrise", "late afternoon", "warm evening light", "magic hour"],
            "warm golden-hour sunlight from a low sun creating a soft rim light and gentle lens flare"),
        StyleOption(
            "window", "soft window light", ["window light", "window", "natural light", "daylight", "soft light"],
            "soft diffused window light from the side with a gentle fill"),
        StyleOption(
            "overcast", "soft overcast daylight", ["overcast", "cloudy", "grey day", "rainy", "rain", "fog", "misty"],
            "soft even overcast daylight"),
        StyleOption(
            "midday-sun", "bright sunshine", ["sunny", "bright sun", "sunshine", "midday", "noon", "hard light"],
            "bright clear sunshine with crisp defined shadows"),
        StyleOption(
            "studio", "sculpted studio light", ["studio light", "studio lighting", "softbox", "beauty dish", "strobe"],
            "a large octabox key light at 45 degrees with a soft rim light"),
        StyleOption(
            "spotlight", "dramatic spotlight",
            [
                "spotlight", "stage light", "dramatic light", "dramatic lighting",
                "chiaroscuro", "low key", "moody light", "moody lighting", "rembrandt",
            ],
            "a single dramatic spotlight sculpting the face with deep shadows"),
        StyleOption(
            "flash", "direct flash", ["flash", "direct flash", "paparazzi", "on camera flash"],
            "direct on-camera flash with crisp shadows and a glossy editorial finish"),
        StyleOption(
            "neon", "neon night light",
            ["neon", "night", "nighttime", "evening city lights", "city lights", "after dark"],
            "magenta and cyan neon glow as the key light, night-time reflections"),
        StyleOption(
            "blue-hour", "blue-hour twilight", ["blue hour", "twilight", "dusk"],
            "cool blue-hour twilight balanced with warm practical lights"),
        StyleOption(
            "candlelight", "warm candlelight",
            ["candlelight", "candle", "candles", "warm lamps", "firelight", "fireplace"],
            "warm flickering candlelight and glowing lamps"),
    ]

    /// The expression and feeling.
    static let moods: [StyleOption] = [
        StyleOption(
            "confident", "confident",
            ["confident", "powerful", "strong", "boss", "authoritative", "assertive", "self assured", "ceo"],
            "a relaxed, self-assured expression and steady direct gaze"),
        StyleOption(
            "warm", "warm and approachable",
            ["approachable", "friendly", "warm", "welcoming", "smiling", "smile", "trustworthy"],
            "a warm, approachable smile"),
        StyleOption(
            "calm", "calm and serene", ["calm", "serene", "peaceful", "relaxed", "zen", "grounded", "tranquil"],
            "a calm, serene expression"),
        StyleOption(
            "joyful", "joyful", ["joyful", "happy", "laughing", "laugh", "fun", "cheerful", "excited", "energetic"],
            "a genuine, joyful laugh"),
        StyleOption(
            "playful", "playful", ["playful", "cheeky", "quirky", "flirty", "silly"],
            "a playful, mischievous half smile"),
        StyleOption(
            "thoughtful", "thoughtful", ["thoughtful", "pensive", "reflective", "contemplative", "introspective"],
            "a thoughtful, introspective look just off camera"),
        StyleOption(
            "mysterious", "moody and mysterious", ["mysterious", "moody", "intense", "brooding", "dark and moody"],
            "an intense, mysterious gaze"),
        StyleOption(
            "romantic", "dreamy and romantic", ["romantic", "dreamy", "ethereal", "whimsical"],
            "a soft, dreamy expression"),
        StyleOption(
            "elegant", "elegant", ["elegant", "graceful", "sophisticated", "poised", "refined"],
            "an elegant, poised posture"),
    ]

    /// How much of the person the frame shows; the gear is the lens that suits it.
    static let framings: [StyleOption] = [
        StyleOption(
            "headshot", "a close-up headshot",
            ["headshot", "head shot", "close up", "closeup", "closer", "head and shoulders", "tight crop"],
            "Editorial personal-brand headshot", gear: "an 85mm f/1.4 lens at f/2"),
        StyleOption(
            "half-body", "a waist-up portrait", ["waist up", "half body", "half length", "medium shot", "upper body"],
            "Editorial personal-brand waist-up portrait", gear: "a 50mm f/1.2 lens at f/2"),
        StyleOption(
            "three-quarter", "a three-quarter portrait", ["three quarter", "knee up", "3 4 length"],
            "Editorial three-quarter-length portrait", gear: "a 50mm lens at f/2.8"),
        StyleOption(
            "full-body", "a full-body shot",
            ["full body", "full length", "head to toe", "whole body", "outfit shot", "standing full"],
            "Editorial full-body portrait", gear: "a 35mm lens at f/2.8"),
        StyleOption(
            "environmental", "a wide environmental portrait",
            ["environmental", "wide shot", "wide angle", "wider", "in context", "show the space", "landscape shot"],
            "Wide environmental portrait", gear: "a 28mm lens at f/4"),
        StyleOption(
            "profile", "a side profile", ["side profile", "in profile", "profile view", "side view", "from the side"],
            "Editorial side-profile portrait", gear: "a 105mm lens at f/2.8"),
        StyleOption(
            "candid", "a candid moment",
            ["candid", "unposed", "natural moment", "walking", "in motion", "movement", "mid laugh", "documentary"],
            "Candid lifestyle photograph", gear: "a 35mm f/1.4 lens at f/2"),
    ]

    /// The personal brand's vibe; the gear is the camera that suits it.
    static let brandVibes: [StyleOption] = [
        StyleOption(
            "luxury", "quiet luxury",
            ["quiet luxury", "luxury", "luxurious", "high end", "premium", "old money", "chic"],
            "quiet-luxury styling with refined neutral tones", gear: "Hasselblad X2D"),
        StyleOption(
            "minimalist", "minimalist", ["minimalist", "minimal", "clean", "simple", "scandinavian", "understated"],
            "clean minimalist composition with generous negative space", gear: "Fujifilm GFX 100S"),
        StyleOption(
            "bold", "bold and edgy", ["bold", "edgy", "daring", "statement", "fierce", "rebellious"],
            "bold graphic styling with strong lines", gear: "Canon EOS R5"),
        StyleOption(
            "feminine", "soft and feminine", ["feminine", "soft feminine", "girly", "delicate"],
            "soft feminine styling with delicate textures", gear: "Contax 645"),
        StyleOption(
            "corporate", "polished and professional",
            ["corporate", "professional", "formal", "business", "executive", "polished"],
            "polished professional styling", gear: "Canon EOS R5"),
        StyleOption(
            "creative", "creative and artistic", ["creative", "artistic", "artsy", "designer", "editorial fashion"],
            "artful editorial styling with an unexpected composition", gear: "Fujifilm GFX 100S"),
        StyleOption(
            "wellness", "natural wellness", ["wellness", "organic", "holistic", "healthy", "yoga"],
            "natural wellness aesthetic with organic textures", gear: "Sony A7R V"),
        StyleOption(
            "tech", "modern tech founder", ["tech", "startup", "founder", "entrepreneur", "saas", "innovative"],
            "modern tech-founder aesthetic, sleek and uncluttered", gear: "Sony A7R V"),
        StyleOption(
            "bohemian", "bohemian", ["boho", "bohemian", "free spirited", "free spirit", "hippie"],
            "bohemian free-spirited styling with earthy textures", gear: "Contax 645"),
        StyleOption(
            "classic", "timeless and classic", ["timeless", "classic", "classy", "heritage", "vintage", "retro"],
            "timeless classic styling", gear: "Leica SL3"),
    ]

    /// The colour treatment; the gear is the camera that suits it.
    static let palettes: [StyleOption] = [
        StyleOption(
            "black-and-white", "black and white",
            [
                "black and white", "black white", "b and w", "bw", "monochrome", "monochromatic", "noir", "grayscale",
                "greyscale",
            ],
            "black-and-white with rich tonal range and deep blacks", gear: "Leica M11 Monochrom"),
        StyleOption(
            "warm-film", "warm film tones",
            ["film", "analog", "analogue", "film look", "kodak", "portra", "warm tones"],
            "warm analogue Kodak Portra 400 colour", gear: "Contax 645"),
        StyleOption(
            "neutral", "muted neutrals", ["neutral", "neutrals", "muted", "earthy", "beige tones", "desaturated"],
            "muted neutral palette"),
        StyleOption(
            "vibrant", "vibrant colour",
            [
                "vibrant", "colourful", "colorful", "saturated", "bright colours", "bright colors",
                "pop of colour", "pop of color",
            ],
            "vibrant saturated colour"),
        StyleOption(
            "pastel", "soft pastels", ["pastel", "pastels", "soft colours", "soft colors", "candy colours"],
            "soft airy pastel palette"),
    ]

    /// Something in hand or in the scene.
    static let props: [StyleOption] = [
        StyleOption(
            "coffee", "a coffee", ["coffee", "latte", "cappuccino", "espresso", "flat white", "tea", "mug"],
            "holding a ceramic cup of coffee"),
        StyleOption(
            "laptop", "a laptop", ["laptop", "computer", "macbook"], "with an open laptop in front of them"),
        StyleOption(
            "book", "a book", ["book", "books", "reading", "novel", "my book"], "holding a hardback book"),
        StyleOption(
            "notebook", "a notebook", ["notebook", "journal", "writing"], "with a leather notebook and pen"),
        StyleOption(
            "flowers", "flowers", ["flowers", "bouquet", "peonies", "roses", "tulips"],
            "holding a loose bouquet of flowers"),
        StyleOption(
            "microphone", "a microphone", ["microphone", "mic", "headset"],
            "beside a broadcast microphone on a boom arm"),
        StyleOption("phone", "a phone", ["phone", "smartphone", "iphone"], "glancing at a phone in hand"),
        StyleOption(
            "wine", "a glass of wine", ["wine", "champagne", "cocktail", "glass of wine", "prosecco"],
            "holding a glass of champagne"),
        StyleOption(
            "suitcase", "a weekender bag", ["suitcase", "luggage", "weekender", "travel bag", "passport"],
            "with a leather weekender bag"),
        StyleOption("dog", "a dog", ["dog", "puppy", "golden retriever"], "with a friendly dog at their side"),
        StyleOption("bicycle", "a bicycle", ["bike", "bicycle", "cycling"], "with a vintage bicycle"),
    ]
}
