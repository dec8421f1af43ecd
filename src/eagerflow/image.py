"""`tf.image`: re-exports only.

Not provided: encode_jpeg, decode_webp/decode_jxl, adjust_jpeg_quality and its random variants
(need a JPEG encoder), sample_distorted_bounding_box (stateless too),
generate_bounding_box_proposals.
"""
from eagerflow._src.ops.image_box_ops import (  # noqa: F401
    combined_non_max_suppression, crop_and_resize, draw_bounding_boxes, extract_glimpse, extract_patches,
    non_max_suppression, non_max_suppression_overlaps, non_max_suppression_padded,
    non_max_suppression_with_scores,
)
from eagerflow._src.ops.image_codec_ops import (  # noqa: F401
    decode_and_crop_jpeg, decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, encode_png,
    extract_jpeg_shape, is_jpeg,
)
from eagerflow._src.ops.image_ops import (  # noqa: F401
    adjust_brightness, adjust_contrast, adjust_gamma, adjust_hue, adjust_saturation, central_crop,
    convert_image_dtype, crop_to_bounding_box, flip_left_right, flip_up_down, grayscale_to_rgb,
    hsv_to_rgb, image_gradients, pad_to_bounding_box, per_image_standardization, psnr,
    random_brightness, random_contrast, random_crop, random_flip_left_right, random_flip_up_down,
    random_hue, random_saturation, resize_with_crop_or_pad, rgb_to_grayscale, rgb_to_hsv,
    rgb_to_yiq, rgb_to_yuv, rot90, sobel_edges, ssim, ssim_multiscale, stateless_random_brightness,
    stateless_random_contrast, stateless_random_crop, stateless_random_flip_left_right,
    stateless_random_flip_up_down, stateless_random_hue, stateless_random_saturation,
    total_variation, transpose, yiq_to_rgb, yuv_to_rgb,
)
from eagerflow._src.ops.image_resize_ops import ResizeMethod, resize, resize_with_pad  # noqa: F401
