//! An [`Animation`] as HTML: two canvases (the sampled users, the sector trust curve), controls,
//! the recorded data as JSON and a small script that plays it, all inline. Shown on a page of
//! its own by `trustsim animate` and inside the report.

use serde_json::json;

use crate::output::animation::{Animation, TRUST_LEVELS};
use crate::output::html::{escape, page, script_json};

/// The script that plays the animation.
const SCRIPT: &str = include_str!("assets/animation.js");

/// Frame codes (0 to 63) as characters, one per sampled user.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The animation as an HTML fragment (one per page: its elements have fixed ids).
pub fn fragment(animation: &Animation) -> String {
    // The centre is a holder of the first platform to fail whenever it had any.
    let centre_held = animation.held_focus.first() == Some(&true);
    let focus = match animation.focus_platform {
        Some(platform) if !centre_held => format!(
            "Platform {platform}, the first to fail, had no investors; the sample is centred on the best-connected \
             user."
        ),
        Some(platform) => format!(
            "Squares are users who had money in platform {platform}, the first to fail; the large square in the \
             middle is the best-connected of them, and the rings around it are their friends, friends of friends \
             and so on."
        ),
        None => "No platform failed in this run; the sample is centred on the best-connected user.".to_string(),
    };
    let swatch =
        |colour: &str, label: &str| format!("<span class=\"swatch\" style=\"background:{colour}\"></span>{label}");
    format!(
        "<section class=\"trustsim-animation\">\n\
         <div class=\"controls\"><button id=\"trustsim-play\" type=\"button\">Play</button>\
         <input id=\"trustsim-day\" type=\"range\" min=\"0\" max=\"{last}\" value=\"0\" aria-label=\"day\">\
         <span id=\"trustsim-day-label\">day 0</span></div>\n\
         <div class=\"panels\"><canvas id=\"trustsim-network\" width=\"560\" height=\"560\"></canvas>\
         <canvas id=\"trustsim-curve\" width=\"500\" height=\"300\"></canvas></div>\n\
         <p class=\"news\" id=\"trustsim-news\"></p>\n\
         <p class=\"caption\">Scenario <code>{scenario}</code>, strategy <code>{strategy}</code>, seed {seed}: \
         {users} of the users and the friendships between them. Each dot is a user, coloured by their trust in \
         online lending as a whole, on a scale stretched over the trust users have in this run (so that a small \
         drift shows):{low}{mid}{high}. A black ring marks a user waiting to withdraw money, a \
         hollow dot a user who has left the sector, a cross a user who lost money when a platform failed. \
         {focus} On the right, the solid blue line is the mean trust of all users, the dashed orange line that \
         of the users on the left, and each thin red line a day on which a platform failed.</p>\n\
         <script type=\"application/json\" id=\"trustsim-animation-data\">{data}</script>\n\
         <script>\n{SCRIPT}</script>\n</section>\n",
        last = animation.frames.len().saturating_sub(1),
        scenario = escape(&animation.scenario),
        strategy = escape(&animation.strategy),
        seed = animation.seed,
        users = animation.users.len(),
        low = swatch("hsl(0,75%,45%)", &format!("{:.2} or less", animation.trust_range.0)),
        mid = swatch(
            "hsl(105,75%,45%)",
            &format!("{:.2}", (animation.trust_range.0 + animation.trust_range.1) / 2.0)
        ),
        high = swatch("hsl(210,75%,45%)", &format!("{:.2} or more", animation.trust_range.1)),
        focus = escape(&focus),
        data = script_json(&data(animation)),
    )
}

/// A page holding only the animation.
pub fn standalone(animation: &Animation) -> String {
    let title = format!(
        "{}: trust spreading, strategy {}, seed {}",
        animation.scenario, animation.strategy, animation.seed
    );
    page(&title, &format!("<h1>{}</h1>\n{}", escape(&title), fragment(animation)))
}

/// The recorded data as the script reads it: positions in thousandths, edges as a flat list of
/// index pairs, one string per day, trust to four decimals.
fn data(animation: &Animation) -> serde_json::Value {
    let thousandths = |v: f64| (v * 1000.0).round() as i64;
    let frames: Vec<String> = animation
        .frames
        .iter()
        .map(|frame| frame.iter().map(|&c| char::from(ALPHABET[usize::from(c)])).collect())
        .collect();
    json!({
        "levels": TRUST_LEVELS,
        "trust_range": [animation.trust_range.0, animation.trust_range.1],
        "x": animation.positions.iter().map(|p| thousandths(p.0)).collect::<Vec<_>>(),
        "y": animation.positions.iter().map(|p| thousandths(p.1)).collect::<Vec<_>>(),
        "held": animation.held_focus.iter().map(|&h| u8::from(h)).collect::<Vec<_>>(),
        "edges": animation.edges.iter().flat_map(|&(a, b)| [a, b]).collect::<Vec<_>>(),
        "frames": frames,
        "sector_trust": animation.sector_trust.iter().map(|&t| (t * 1e4).round() / 1e4).collect::<Vec<_>>(),
        "failures": animation
            .failures
            .iter()
            .map(|f| json!([f.day, f.platform, f.kind, f.state]))
            .collect::<Vec<_>>(),
    })
}
