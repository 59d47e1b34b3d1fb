//! News: events become items whose intensity halves every `half_life_days` and whose reach
//! grows with the platform's market share. Users read the sector's reach-weighted negative
//! intensity; holders of a platform see every item about it.

use serde::Serialize;

use crate::scenario::tables::NewsParams;

/// What a news item reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NewsKind {
    /// A platform collapsed.
    Collapse,
    /// A platform's owners ran away.
    RunAway,
    /// A platform leaked users' data.
    DataLeak,
    /// A regulator exposed a fraud.
    FraudExposure,
    /// A regulator publicly warned about a platform.
    PublicWarning,
    /// A fine or an orderly wind-down.
    Enforcement,
    /// A rumour about a platform.
    Rumour,
    /// A regulatory announcement about the sector.
    Announcement,
}

/// One news item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewsItem {
    /// What it reports.
    pub kind: NewsKind,
    /// The platform it is about, if any.
    pub platform: Option<u32>,
    /// Current intensity.
    pub intensity: f64,
    /// Share of the public it reaches, in [0, 1].
    pub reach: f64,
}

/// Items below this intensity are dropped.
const FORGOTTEN: f64 = 1e-4;

/// The news of the day.
#[derive(Debug, Clone)]
pub struct News {
    items: Vec<NewsItem>,
    decay: f64,
    reach_base: f64,
    reach_per_share: f64,
    /// Items published so far.
    pub published: u64,
}

impl News {
    /// No news yet.
    pub fn new(params: &NewsParams) -> News {
        News {
            items: Vec::new(),
            decay: libm::pow(0.5, 1.0 / params.half_life_days),
            reach_base: params.reach_base,
            reach_per_share: params.reach_per_share,
            published: 0,
        }
    }

    /// Takes new settings (a `[[schedule]]` changed `[news]`); items already published keep
    /// their reach.
    pub fn configure(&mut self, params: &NewsParams) {
        let published = self.published;
        *self = News {
            items: std::mem::take(&mut self.items),
            published,
            ..News::new(params)
        };
    }

    /// Publishes an item with `intensity` about `platform`, which holds `market_share` of all claims.
    pub fn publish(&mut self, kind: NewsKind, platform: Option<u32>, intensity: f64, market_share: f64) {
        if intensity <= 0.0 {
            return;
        }
        let reach = (self.reach_base + self.reach_per_share * market_share).min(1.0);
        self.items.push(NewsItem {
            kind,
            platform,
            intensity,
            reach,
        });
        self.published += 1;
    }

    /// Ages every item by one day and forgets faded ones.
    pub fn decay(&mut self) {
        for item in &mut self.items {
            item.intensity *= self.decay;
        }
        self.items.retain(|item| item.intensity >= FORGOTTEN);
    }

    /// ν: the sector's reach-weighted negative-news intensity (0 without news: summed from +0,
    /// as `Iterator::sum` of no `f64`s is −0, which the series would print as `-0.0`).
    pub fn sector_intensity(&self) -> f64 {
        self.items
            .iter()
            .fold(0.0, |total, item| total + item.intensity * item.reach)
    }

    /// Adds each item's intensity to its platform's entry of `by_platform`.
    pub fn platform_intensities(&self, by_platform: &mut [f64]) {
        by_platform.iter_mut().for_each(|x| *x = 0.0);
        for item in &self.items {
            if let Some(p) = item.platform {
                by_platform[p as usize] += item.intensity;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_news_is_positive_zero_intensity() {
        let news = News::new(&crate::scenario::schema::Scenario::default().news);
        assert_eq!(news.sector_intensity().to_bits(), 0.0f64.to_bits());
    }
}
