// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "corpus.h"

#include <QSet>

#include <algorithm>
#include <cmath>

namespace Cohort::Bench {

namespace {

// The most common words of a classroom chat, most common first; the long tail below them is
// made of syllables, so the vocabulary is large enough for rare words to be rare.
const char *const CommonWords[] = {
    "the", "to", "i", "a", "and", "is", "it", "you", "of", "for", "in", "that", "on", "we", "do",
    "have", "this", "be", "not", "with", "can", "what", "are", "so", "but", "if", "just", "my",
    "question", "at", "about", "was", "how", "me", "there", "will", "one", "think", "know", "they",
    "all", "or", "get", "from", "thanks", "yes", "no", "an", "like", "exam", "when", "homework",
    "lecture", "problem", "does", "would", "time", "should", "here", "anyone", "need", "tomorrow",
    "today", "slides", "answer", "because", "good", "class", "lab", "also", "deadline", "any",
    "please", "see", "code", "work", "right", "some", "now", "which", "still", "up", "again",
    "assignment", "grade", "week", "help", "sure", "did", "then", "maybe", "make", "by", "only",
    "use", "solution", "example", "chapter", "proof", "function", "vector", "matrix", "graph",
    "theorem", "notes", "room", "group", "project", "review", "quiz", "reading", "section", "paper",
    "submit", "test", "points", "office", "hours", "meeting", "library", "study", "team",
    "error", "compile", "output", "input", "loop", "array", "pointer", "memory", "tree", "node",
    "recursion", "algorithm", "complexity", "derivative", "integral", "limit", "series",
    "probability", "variance", "sample", "hypothesis", "energy", "force", "velocity", "momentum",
    "circuit", "voltage", "current", "resistance", "molecule", "reaction", "enzyme", "protein",
};

const char *const Onsets[] = {"b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "k", "l", "m",
                              "n", "p", "pl", "qu", "r", "s", "sh", "st", "t", "th", "tr", "v", "w", "z"};
const char *const Nuclei[] = {"a", "e", "i", "o", "u", "ai", "ea", "ee", "io", "ou"};
const char *const Codas[] = {"", "n", "r", "s", "t", "l", "m", "nd", "st", "ck"};

constexpr int VocabularySize = 30000;
constexpr double ZipfExponent = 1.07;

} // namespace

Corpus::Corpus()
{
    m_words.reserve(VocabularySize);
    QSet<QString> seen;
    for (const char *word : CommonWords) {
        m_words.push_back(QString::fromLatin1(word));
        seen.insert(m_words.back());
    }
    // Two- and three-syllable words in a fixed order; a fixed-seed generator keeps the ranks
    // the same from run to run.
    std::mt19937_64 random(20261122);
    const auto pick = [&random](const auto &array) {
        return QString::fromLatin1(array[random() % std::size(array)]);
    };
    while (int(m_words.size()) < VocabularySize) {
        const int syllables = 2 + int(random() % 2);
        QString word;
        for (int i = 0; i < syllables; ++i)
            word += pick(Onsets) + pick(Nuclei) + (i == syllables - 1 ? pick(Codas) : QString());
        if (!seen.contains(word)) {
            seen.insert(word);
            m_words.push_back(word);
        }
    }
    m_cumulative.reserve(m_words.size());
    double sum = 0;
    for (size_t rank = 0; rank < m_words.size(); ++rank) {
        sum += 1.0 / std::pow(double(rank + 1), ZipfExponent);
        m_cumulative.push_back(sum);
    }
}

double Corpus::share(int rank) const
{
    const double previous = rank > 0 ? m_cumulative.at(size_t(rank - 1)) : 0.0;
    return (m_cumulative.at(size_t(rank)) - previous) / m_cumulative.back();
}

QString Corpus::message(std::mt19937_64 &random) const
{
    std::uniform_real_distribution<double> uniform(0.0, m_cumulative.back());
    const int words = 3 + int(random() % 22);
    QString text;
    for (int i = 0; i < words; ++i) {
        const auto it = std::lower_bound(m_cumulative.begin(), m_cumulative.end(), uniform(random));
        const size_t rank = std::min(size_t(it - m_cumulative.begin()), m_words.size() - 1);
        if (i > 0)
            text += QLatin1Char(' ');
        text += m_words[rank];
    }
    text[0] = text[0].toUpper();
    text += QLatin1Char(random() % 4 == 0 ? '?' : '.');
    return text;
}

} // namespace Cohort::Bench
