package social.nova.content;

/** A post as one caller sees it. */
record PostView(Post post, boolean likedByCaller) {}
