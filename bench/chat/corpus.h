// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QString>
#include <QStringList>

#include <random>
#include <vector>

namespace Cohort::Bench {

/// Chat text for the chat benchmarks: words from a fixed vocabulary drawn with a Zipf
/// distribution (exponent 1.07, as in English text), so a handful of words are in almost every
/// message and most are rare, which is what makes full-text search cheap or expensive.
/// The vocabulary is deterministic: word(rank) is the same in every run, so the search
/// benchmark can pick words by how common they are.
class Corpus
{
public:
    Corpus();

    int vocabularySize() const { return int(m_words.size()); }
    /// The word of that frequency rank (0: the most common).
    const QString &word(int rank) const { return m_words.at(size_t(rank)); }
    /// The expected share of all word occurrences that are this rank's word.
    double share(int rank) const;
    /// A message of 3 to 24 words.
    QString message(std::mt19937_64 &random) const;

private:
    std::vector<QString> m_words;
    std::vector<double> m_cumulative; // cumulative Zipf weights, for sampling by bisection
};

} // namespace Cohort::Bench
