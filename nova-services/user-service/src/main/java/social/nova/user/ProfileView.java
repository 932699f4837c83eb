package social.nova.user;

/** A profile as one caller sees it. */
record ProfileView(Profile profile, boolean followedByCaller) {}
