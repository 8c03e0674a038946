import Foundation

extension InputSchema {
    /// The aspect ratios of the fine-tuned FLUX LoRA predictor.
    package static let aspectRatios = [
        "1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21", "custom",
    ]

    /// The input schema of a model fine-tuned with `ostris/flux-dev-lora-trainer` (replicate-api.md,
    /// "The trained model"). The guidance input is `guidance_scale`, as Replicate names it.
    package static let fluxLoRAPredictor = InputSchema(
        properties: [
            Property("prompt", .string, "Prompt for generated image. Include the trigger word.", required: true),
            Property("image", .string, "Input image for image to image or inpainting mode.", format: "uri"),
            Property("mask", .string, "Image mask for image inpainting mode.", format: "uri"),
            Property(
                "aspect_ratio", .string, "Aspect ratio for the generated image. Custom uses width and height.",
                default: "1:1", choices: aspectRatios),
            Property(
                "height", .integer, "Height of generated image. Only works if aspect_ratio is custom.",
                minimum: 256, maximum: 1440),
            Property(
                "width", .integer, "Width of generated image. Only works if aspect_ratio is custom.",
                minimum: 256, maximum: 1440),
            Property(
                "prompt_strength", .number, "Prompt strength when using img2img.", default: 0.8, minimum: 0,
                maximum: 1),
            Property(
                "model", .string, "Which model to run inference with.", default: "dev",
                choices: ["dev", "schnell"]),
            Property("num_outputs", .integer, "Number of outputs to generate.", default: 1, minimum: 1, maximum: 4),
            Property(
                "num_inference_steps", .integer, "Number of denoising steps.", default: 28, minimum: 1,
                maximum: 50),
            Property(
                "guidance_scale", .number, "Guidance scale for the diffusion process.", default: 3, minimum: 0,
                maximum: 10),
            Property("seed", .integer, "Random seed. Set for reproducible generation."),
            Property(
                "output_format", .string, "Format of the output images.", default: "webp",
                choices: ["webp", "jpg", "png"]),
            Property(
                "output_quality", .integer, "Quality when saving the output images, from 0 to 100.", default: 80,
                minimum: 0, maximum: 100),
            Property(
                "disable_safety_checker", .boolean, "Disable safety checker for generated images.",
                default: false),
            Property("go_fast", .boolean, "Run faster predictions with fp8 quantized model.", default: false),
            Property(
                "megapixels", .string, "Approximate number of megapixels for generated image.", default: "1",
                choices: ["1", "0.25"]),
            Property(
                "lora_scale", .number, "Determines how strongly the main LoRA should be applied.", default: 1,
                minimum: -1, maximum: 3),
            Property("extra_lora", .string, "Load LoRA weights. Supports Replicate models and URLs."),
            Property(
                "extra_lora_scale", .number, "How strongly the extra LoRA should be applied.", default: 1,
                minimum: -1, maximum: 3),
        ],
        output: [
            "type": "array", "items": ["type": "string", "format": "uri"], "title": "Output",
        ])

    /// The input schema of `ostris/flux-dev-lora-trainer` (replicate-api.md, "The trainer").
    package static let fluxLoRATrainer = InputSchema(
        properties: [
            Property(
                "input_images", .string,
                "A zip file containing the images that will be used for training. A .txt file beside an "
                    + "image is its caption.", format: "uri"),
            Property(
                "trigger_word", .string, "The trigger word refers to the object, style or concept.", default: "TOK"),
            Property("autocaption", .boolean, "Automatically caption images using Llava v1.5 13B.", default: true),
            Property("autocaption_prefix", .string, "Optional: text placed at the start of each caption."),
            Property("autocaption_suffix", .string, "Optional: text placed at the end of each caption."),
            Property("steps", .integer, "Number of training steps.", default: 1000, minimum: 3, maximum: 6000),
            Property("learning_rate", .number, "Learning rate.", default: 0.0004),
            Property("batch_size", .integer, "Batch size.", default: 1, minimum: 1),
            Property("resolution", .string, "Image resolutions for training.", default: "512,768,1024"),
            Property("lora_rank", .integer, "Rank of the LoRA.", default: 16, minimum: 1, maximum: 128),
            Property("caption_dropout_rate", .number, "Caption dropout rate.", default: 0.05, minimum: 0, maximum: 1),
            Property("optimizer", .string, "Optimizer to use for training.", default: "adamw8bit"),
            Property("cache_latents_to_disk", .boolean, "Cache latents to disk.", default: false),
            Property("gradient_checkpointing", .boolean, "Turn on gradient checkpointing.", default: false),
            Property("hf_repo_id", .string, "Hugging Face repository to save the LoRA to."),
            Property("hf_token", .string, "Hugging Face token with write access."),
            Property("wandb_api_key", .string, "Weights and Biases API key."),
            Property("wandb_project", .string, "Weights and Biases project.", default: "flux_train_replicate"),
            Property("wandb_run", .string, "Weights and Biases run name."),
            Property("wandb_entity", .string, "Weights and Biases entity."),
            Property("wandb_sample_interval", .integer, "Step interval for sampling.", default: 100, minimum: 1),
            Property("wandb_sample_prompts", .string, "Newline-separated prompts to sample with."),
            Property("wandb_save_interval", .integer, "Step interval for saving.", default: 100, minimum: 1),
        ],
        output: [
            "type": "object", "title": "TrainingOutput",
            "properties": ["weights": ["type": "string", "format": "uri", "title": "Weights"]],
            "required": ["weights"],
        ])
}
